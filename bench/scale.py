#!/usr/bin/env python3
"""ECS's per-cluster limits in one process (issue 14): memory per task and per revision, latency
at that size against a small cluster, the reconciler, and restart time.

Starts BINARY on a free port with a fresh --data-dir and --timing instant, then:
  1. a small cluster (10 m5.2xlarge instances, 10 services of TASKS_PER_SERVICE tasks, so its services and
     their events are the same size as the big cluster's and DescribeServices compares like
     responses): per-call latency of DescribeServices (10 services), ListTasks (a page of 100),
     RunTask (count 1) and StopTask;
  2. the big cluster: INSTANCES m5.large instances, SERVICES services at desiredCount 0 (RSS),
     then each scaled to TASKS_PER_SERVICE (RSS: the difference is per running task);
  3. the same calls against the big cluster, and the reconciler's slices over an idle window;
  4. REVISIONS revisions of bench/lua/task_definition.json registered unchanged, then REVISIONS
     that each change its image tag and an environment value (RSS difference per revision);
  5. SIGTERM, restart on the same --data-dir: time to the first answered DescribeClusters, RSS.

Latency is the server's own (the /metrics histogram's sum / count for the operation over the
calls made, so the client's overhead is not in it) and the client's median round trip.

  bench/scale.py [--instances 5000] [--services 5000] [--tasks-per-service 20]
                 [--revisions 10000] [--calls 200] [--revisions-only] BINARY

--revisions-only runs step 4 alone.
"""
import argparse
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import tempfile
import time

TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113."
HERE = os.path.dirname(os.path.abspath(__file__))
# The small cluster: 10 instances and 10 services, each service as large as a big-cluster one.
SMALL_SERVICES = 10
# Larger than the big cluster's m5.large so the 200 RunTask calls (drained only afterwards) still
# fit beside the services' 200 tasks; placement weighs the same 10 candidates either way.
SMALL_TYPE = "m5.2xlarge"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


class Server:
    def __init__(self, binary, data_dir):
        self.binary, self.data_dir = binary, data_dir
        self.port = free_port()
        self.proc = None
        self.conn = None

    def start(self):
        """Starts the server; returns milliseconds to the first answered DescribeClusters."""
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--data-dir", self.data_dir,
             "--timing", "instant", "--log-level", "warn"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        while True:
            try:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
                self.call("DescribeClusters", {"clusters": ["default"]})
                return (time.perf_counter() - t0) * 1000.0
            except (ConnectionError, OSError):
                if self.proc.poll() is not None:
                    raise SystemExit(f"server exited with {self.proc.returncode}")
                time.sleep(0.0005)

    def stop(self):
        self.conn.close()
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=60)

    def rss_mib(self):
        return rss_kib(self.proc.pid) / 1024.0

    def call(self, op, body):
        self.conn.request("POST", "/", body=json.dumps(body), headers={
            "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET_PREFIX + op})
        resp = self.conn.getresponse()
        data = resp.read()
        if resp.status != 200:
            raise SystemExit(f"{op} -> HTTP {resp.status}: {data[:300]!r}")
        return json.loads(data)

    def admin(self, method, path, body=None):
        self.conn.request(method, path, body=json.dumps(body) if body is not None else None,
                          headers={"Content-Type": "application/json"})
        resp = self.conn.getresponse()
        data = resp.read()
        if resp.status >= 300:
            raise SystemExit(f"{method} {path} -> HTTP {resp.status}: {data[:300]!r}")
        return data

    def metric(self, name, label=""):
        """(sum, count) of a histogram in /metrics."""
        text = self.admin("GET", "/metrics").decode()
        out = []
        for suffix in ("_sum", "_count"):
            m = re.search(re.escape(name + suffix) + (r"\{" + re.escape(label) + r"\}" if label else "")
                          + r" ([0-9.e+-]+)", text)
            out.append(float(m.group(1)) if m else 0.0)
        return tuple(out)


def drain_requests(server, cluster):
    """Stops the tasks RunTask started (started by the benchmark), so both runs leave the
    cluster as they found it."""
    arns = server.call("ListTasks", {"cluster": cluster, "startedBy": "bench"})["taskArns"]
    for arn in arns:
        server.call("StopTask", {"cluster": cluster, "task": arn})


def latencies(server, cluster, services, calls):
    """Per operation: (server mean µs, client median µs)."""
    ops = {
        # The same 10 services every call on both clusters: the encode cache keeps a service's
        # events until they change, so cycling through the big cluster's 5,000 services (as this
        # did) compared its first encodings with the small cluster's cached ones.
        "DescribeServices": lambda i: {"cluster": cluster, "services": services[:10]},
        "ListTasks": lambda i: {"cluster": cluster, "maxResults": 100},
        "RunTask": lambda i: {"cluster": cluster, "taskDefinition": "scale-td",
                              "launchType": "EC2", "startedBy": "bench"},
    }
    out = {}
    for op, body in ops.items():
        before = server.metric("ecs_emulator_request_duration_seconds", f'operation="{op}"')
        rtts = []
        for i in range(calls):
            t0 = time.perf_counter()
            server.call(op, body(i))
            rtts.append((time.perf_counter() - t0) * 1e6)
        after = server.metric("ecs_emulator_request_duration_seconds", f'operation="{op}"')
        mean = (after[0] - before[0]) / max(1.0, after[1] - before[1]) * 1e6
        out[op] = (mean, statistics.median(rtts))
    drain_requests(server, cluster)
    return out


def create_services(server, cluster, prefix, count, desired):
    names = [f"{prefix}-{i}" for i in range(count)]
    for name in names:
        server.call("CreateService", {"cluster": cluster, "serviceName": name,
                                      "taskDefinition": "scale-td", "desiredCount": desired,
                                      "launchType": "EC2"})
    return names


def running(server, cluster):
    return server.call("DescribeClusters", {"clusters": [cluster]})["clusters"][0]["runningTasksCount"]


def wait_running(server, cluster, want):
    t0 = time.perf_counter()
    while running(server, cluster) < want:
        if time.perf_counter() - t0 > 1800:
            raise SystemExit(f"only {running(server, cluster)} of {want} tasks RUNNING after 30 min")
        time.sleep(0.2)
    return time.perf_counter() - t0


def reconciler_window(server, seconds):
    """The reconciler's slices over an idle window: (slices, mean ms)."""
    before = server.metric("ecs_emulator_reconciler_slice_seconds")
    time.sleep(seconds)
    after = server.metric("ecs_emulator_reconciler_slice_seconds")
    n = after[1] - before[1]
    return n, (after[0] - before[0]) / max(1.0, n) * 1000.0


def revisions(s, n):
    """Step 4: RSS per revision, registered unchanged (a pipeline that registers on every deploy)
    and changed (a new image tag and environment value each time)."""
    with open(os.path.join(HERE, "lua", "task_definition.json")) as f:
        td = json.load(f)
    for label, changed in (("unchanged", False), ("changed", True)):
        rss_before = s.rss_mib()
        for i in range(n):
            if changed:
                web = td["containerDefinitions"][0]
                web["image"] = f"123456789012.dkr.ecr.us-east-1.amazonaws.com/web:build-{i}"
                web["environment"][1]["value"] = str(8000 + i)
            s.call("RegisterTaskDefinition", td)
        time.sleep(2)
        rss_after = s.rss_mib()
        print(f"revisions ({label}): {n} -> +{rss_after - rss_before:.1f} MiB "
              f"({(rss_after - rss_before) * 1024 / n:.2f} KiB each)")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--instances", type=int, default=5000)
    ap.add_argument("--services", type=int, default=5000)
    ap.add_argument("--tasks-per-service", type=int, default=20)
    ap.add_argument("--revisions", type=int, default=10000)
    ap.add_argument("--calls", type=int, default=200)
    ap.add_argument("--revisions-only", action="store_true")
    ap.add_argument("binary")
    args = ap.parse_args()
    if args.revisions_only:
        with tempfile.TemporaryDirectory(prefix="ecs-scale-") as data_dir:
            s = Server(os.path.abspath(args.binary), data_dir)
            s.start()
            revisions(s, args.revisions)
            s.stop()
        return

    with tempfile.TemporaryDirectory(prefix="ecs-scale-") as data_dir:
        s = Server(os.path.abspath(args.binary), data_dir)
        s.start()
        print(f"started: RSS {s.rss_mib():.1f} MiB")
        s.call("RegisterTaskDefinition", {
            "family": "scale-td", "networkMode": "bridge", "requiresCompatibilities": ["EC2"],
            "containerDefinitions": [{"name": "app", "image": "nginx", "cpu": 64, "memory": 128,
                                      "essential": True}]})

        # 1. The small cluster.
        s.admin("POST", "/_emulator/fleets", {"cluster": "small", "createCluster": True,
                                              "count": 10, "instanceType": SMALL_TYPE})
        small = create_services(s, "small", "small", SMALL_SERVICES, args.tasks_per_service)
        wait_running(s, "small", SMALL_SERVICES * args.tasks_per_service)
        small_lat = latencies(s, "small", small, args.calls)

        # 2. The big cluster: instances, empty services, then their tasks.
        rss_start = s.rss_mib()
        s.admin("POST", "/_emulator/fleets", {"cluster": "big", "createCluster": True,
                                              "count": args.instances, "instanceType": "m5.large"})
        rss_instances = s.rss_mib()
        t0 = time.perf_counter()
        big = create_services(s, "big", "svc", args.services, 0)
        create_s = time.perf_counter() - t0
        rss_services = s.rss_mib()
        tasks = args.services * args.tasks_per_service
        t0 = time.perf_counter()
        for name in big:
            s.call("UpdateService", {"cluster": "big", "service": name,
                                     "desiredCount": args.tasks_per_service})
        update_s = time.perf_counter() - t0
        settle_s = wait_running(s, "big", tasks)
        time.sleep(2)  # freed memory goes back to the kernel after ~1 s (jemalloc decay)
        rss_tasks = s.rss_mib()
        print(f"instances: {args.instances} -> +{rss_instances - rss_start:.1f} MiB "
              f"({(rss_instances - rss_start) * 1024 / args.instances:.2f} KiB each)")
        print(f"services: {args.services} at 0 tasks in {create_s:.1f} s -> "
              f"+{rss_services - rss_instances:.1f} MiB "
              f"({(rss_services - rss_instances) * 1024 / args.services:.2f} KiB each)")
        print(f"tasks: {tasks} RUNNING ({update_s:.1f} s of UpdateService, then {settle_s:.1f} s) "
              f"-> +{rss_tasks - rss_services:.1f} MiB "
              f"({(rss_tasks - rss_services) * 1024 / tasks:.2f} KiB per task); RSS {rss_tasks:.1f} MiB")

        # 3. The same calls at that size, and the reconciler.
        big_lat = latencies(s, "big", big, args.calls)
        print("latency (server mean µs / client median µs): small cluster -> big cluster, ratio")
        for op in small_lat:
            (a, ac), (b, bc) = small_lat[op], big_lat[op]
            print(f"  {op}: {a:.0f} / {ac:.0f} -> {b:.0f} / {bc:.0f}  (x{b / a:.2f} server, "
                  f"x{bc / ac:.2f} client)")
        slices, mean_ms = reconciler_window(s, 5)
        print(f"reconciler, 5 s idle: {slices:.0f} slices, mean {mean_ms:.2f} ms")

        revisions(s, args.revisions)

        # 5. Restart.
        s.stop()
        ms = s.start()
        print(f"restart: first answer after {ms:.0f} ms, RSS {s.rss_mib():.1f} MiB, "
              f"{running(s, 'big')} tasks RUNNING")
        s.stop()


if __name__ == "__main__":
    main()
