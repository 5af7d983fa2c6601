#!/usr/bin/env python3
"""A soak (issue 14): mixed load for a long time against one server with a --data-dir, checking
that RSS stays flat after warm-up and that no request gets an error.

Starts BINARY on a free port with a fresh --data-dir, --timing instant and a fleet of INSTANCES
m5.large instances, creates SERVICES services of 3 tasks, then runs one thread per kind of work,
each on its own keep-alive connection, until MINUTES have passed:
  reads      DescribeClusters, DescribeServices, ListTasks + DescribeTasks, ListTaskDefinitions,
             DescribeTaskDefinition;
  tasks      RunTask (count 2) then StopTask of both;
  deploys    UpdateService of one service after another to the other revision (a rolling
             deployment each), every fifth one also scaling it between 3 and 5 tasks;
  registry   RegisterTaskDefinition, DeregisterTaskDefinition, DeleteTaskDefinitions;
  clusters   CreateCluster, TagResource, DeleteCluster;
  clock      every 10 s, advance the simulated clock 10 minutes (an hour a minute), so stopped tasks age out of
             their 1-hour retention and deployments finish as they would over the soak's hours.
Every SAMPLE seconds it prints the RSS, requests so far and the rate; at the end the RSS after
warm-up (the first WARMUP minutes) against the last sample, and every error by operation. Exits 1
on any error response or if the server dies.

  bench/soak.py [--minutes 30] [--warmup 5] [--sample 30] [--instances 20] [--services 10]
                [--work reads,tasks,deploys,registry,clusters,clock] BINARY
"""
import argparse
import collections
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

from scale import free_port, rss_kib  # bench/scale.py, beside this file

TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113."
CLUSTER = "soak"


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = 0
        self.errors = collections.Counter()
        self.first_errors = []

    def record(self, op, status, body):
        with self.lock:
            self.requests += 1
            if status != 200:
                self.errors[op] += 1
                if len(self.first_errors) < 10:
                    self.first_errors.append(f"{op}: HTTP {status} {body[:200]!r}")


class Client:
    def __init__(self, port, stats):
        self.port, self.stats = port, stats
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, op, body):
        self.conn.request("POST", "/", body=json.dumps(body), headers={
            "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET_PREFIX + op})
        resp = self.conn.getresponse()
        data = resp.read()
        self.stats.record(op, resp.status, data)
        return json.loads(data) if resp.status == 200 else {}

    def admin(self, path, body):
        self.conn.request("POST", path, body=json.dumps(body),
                          headers={"Content-Type": "application/json"})
        resp = self.conn.getresponse()
        data = resp.read()
        self.stats.record(path, resp.status, data)


def task_definition(family, image):
    return {"family": family, "containerDefinitions": [
        {"name": "app", "image": image, "cpu": 128, "memory": 256, "essential": True,
         "portMappings": [{"containerPort": 8080}]}]}


def setup(client, services):
    client.call("RegisterTaskDefinition", task_definition("soak-web", "nginx:1"))
    client.call("RegisterTaskDefinition", task_definition("soak-web", "nginx:2"))
    for i in range(services):
        client.call("CreateService", {"cluster": CLUSTER, "serviceName": f"svc-{i}",
                                      "taskDefinition": "soak-web:1", "desiredCount": 3,
                                      "launchType": "EC2"})


def reads(c, i, services):
    c.call("DescribeClusters", {"clusters": [CLUSTER], "include": ["STATISTICS"]})
    c.call("DescribeServices", {"cluster": CLUSTER,
                                "services": [f"svc-{s}" for s in range(services)]})
    arns = c.call("ListTasks", {"cluster": CLUSTER, "maxResults": 20}).get("taskArns", [])
    if arns:
        c.call("DescribeTasks", {"cluster": CLUSTER, "tasks": arns})
    c.call("ListTaskDefinitions", {"familyPrefix": "soak-web"})
    c.call("DescribeTaskDefinition", {"taskDefinition": f"soak-web:{1 + i % 2}"})


def tasks(c, i, services):
    started = c.call("RunTask", {"cluster": CLUSTER, "taskDefinition": "soak-web:1", "count": 2,
                                 "launchType": "EC2", "startedBy": "soak"})
    for task in started.get("tasks", []):
        c.call("StopTask", {"cluster": CLUSTER, "task": task["taskArn"], "reason": "soak"})


def deploys(c, i, services):
    body = {"cluster": CLUSTER, "service": f"svc-{i % services}",
            "taskDefinition": f"soak-web:{1 + (i // services) % 2}"}
    if i % 5 == 0:
        body["desiredCount"] = 5 if (i // 5) % 2 == 0 else 3
    c.call("UpdateService", body)
    time.sleep(0.05)  # a deployment every ~50 ms is plenty; leave the CPU to the others


def registry(c, i, services):
    arn = c.call("RegisterTaskDefinition", task_definition("soak-tmp", f"busybox:{i}")) \
        .get("taskDefinition", {}).get("taskDefinitionArn")
    if arn:
        c.call("DeregisterTaskDefinition", {"taskDefinition": arn})
        c.call("DeleteTaskDefinitions", {"taskDefinitions": [arn]})


def clusters(c, i, services):
    arn = c.call("CreateCluster", {"clusterName": f"soak-tmp-{i % 50}"}) \
        .get("cluster", {}).get("clusterArn")
    if arn:
        c.call("TagResource", {"resourceArn": arn, "tags": [{"key": "k", "value": str(i)}]})
        c.call("DeleteCluster", {"cluster": arn})


def clock(c, i, services):
    c.admin("/_emulator/clock", {"action": "advance", "by": "10m"})
    time.sleep(10)


WORK = {f.__name__: f for f in (reads, tasks, deploys, registry, clusters, clock)}


def worker(work, port, stats, deadline, services, failed):
    try:
        client = Client(port, stats)
        i = 0
        while time.monotonic() < deadline:
            work(client, i, services)
            i += 1
    except Exception as e:  # a dead server or a dropped connection ends the soak as failed
        failed.append(f"{work.__name__}: {e!r}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--sample", type=float, default=30)
    parser.add_argument("--instances", type=int, default=20)
    parser.add_argument("--services", type=int, default=10)
    parser.add_argument("--work", default="reads,tasks,deploys,registry,clusters,clock",
                        help="the kinds of work to run (a subset finds which one grows RSS)")
    parser.add_argument("binary")
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="soak-")
    port = free_port()
    proc = subprocess.Popen(
        [args.binary, "--port", str(port), "--data-dir", os.path.join(data_dir, "d"),
         "--timing", "instant", "--log-level", "warn",
         "--fleet", f"cluster={CLUSTER},count={args.instances},type=m5.large"],
        stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    stats = Stats()
    for _ in range(2000):
        try:
            setup_client = Client(port, stats)
            setup_client.call("DescribeClusters", {"clusters": [CLUSTER]})
            break
        except OSError:
            time.sleep(0.005)
    setup(setup_client, args.services)

    start = time.monotonic()
    deadline = start + args.minutes * 60
    failed = []
    threads = [threading.Thread(target=worker, args=(w, port, stats, deadline, args.services,
                                                     failed), daemon=True)
               for w in (WORK[name] for name in args.work.split(","))]
    for t in threads:
        t.start()
    samples = []  # (minutes, rss MiB, requests)
    print(f"{'min':>6} {'RSS MiB':>8} {'requests':>9} {'req/s':>7} {'errors':>6}", flush=True)
    last = (0.0, 0)
    while time.monotonic() < deadline and proc.poll() is None and not failed:
        time.sleep(min(args.sample, max(0.0, deadline - time.monotonic())))
        if proc.poll() is not None:
            break
        now = (time.monotonic() - start) / 60
        with stats.lock:
            requests, errors = stats.requests, sum(stats.errors.values())
        rss = rss_kib(proc.pid) / 1024
        rate = (requests - last[1]) / max(1e-9, (now - last[0]) * 60)
        last = (now, requests)
        samples.append((now, rss, requests))
        print(f"{now:6.1f} {rss:8.1f} {requests:9d} {rate:7.0f} {errors:6d}", flush=True)
    for t in threads:
        t.join(timeout=90)

    died = proc.poll() is not None
    if not died:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    after_warmup = [s for s in samples if s[0] >= args.warmup]
    if after_warmup:
        first, last_sample = after_warmup[0], after_warmup[-1]
        peak = max(s[1] for s in after_warmup)
        print(f"RSS after warm-up {first[1]:.1f} MiB at {first[0]:.1f} min, "
              f"{last_sample[1]:.1f} MiB at {last_sample[0]:.1f} min "
              f"(peak {peak:.1f}, change {last_sample[1] - first[1]:+.1f} MiB)")
    print(f"requests {stats.requests}, error responses {sum(stats.errors.values())}"
          + (f" {dict(stats.errors)}" if stats.errors else ""))
    for line in stats.first_errors:
        print("  " + line)
    for line in failed:
        print("worker failed: " + line)
    if died:
        print(f"server exited with {proc.returncode}")
    sys.exit(1 if died or failed or stats.errors else 0)


if __name__ == "__main__":
    main()
