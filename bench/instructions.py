#!/usr/bin/python3
"""Instructions per request, counted by valgrind's callgrind: a deterministic A/B on a machine
whose throughput numbers swing by +-20 % between identical runs.

  bench/instructions.py BIN [BIN...] [--scenario NAME]... [--requests N]

For every binary and scenario it starts the server twice under callgrind (--ephemeral), once
with only the setup and once with the setup plus N requests, and prints
(total_with - total_without) / N. One sequential keep-alive client, so this counts the work of
a request and not contention: pair it with bench/run for throughput. Scenarios:
  describe_clusters  DescribeClusters of one cluster by name (20 clusters exist)
  register           RegisterTaskDefinition of bench/lua/task_definition.json
  run_task           RunTask count 1 on a 20-instance m5.4xlarge fleet (the task maps static
                     host port 443, so from the 21st task on the fleet is full and RunTask
                     answers with a placement failure: mostly failed RunTasks)
  run_task_5000      the same on a 5,000-instance m5.4xlarge fleet (ECS's per-cluster limit):
                     with run_task, how placement's cost grows with the candidates
  describe_tasks     DescribeTasks of 100 running tasks
  list_tasks         ListTasks of a cluster with 100 tasks (first page)
  service_scale      UpdateService desiredCount 2, then 0, alternately (launch, lifecycle
                     steps, scheduler passes, stops: the service hot path); setup: one service
  service_scale_lb   the same with the service behind a target group (simulated target health)
"""
import argparse
import http.client
import json
import os
import re
import signal
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113."
SCENARIOS = ["describe_clusters", "register", "register_changed", "run_task", "run_task_5000", "describe_tasks",
             "list_tasks",
             "service_scale", "service_scale_lb"]


class Client:
    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)

    def call(self, op, body, path="/"):
        headers = {"Content-Type": "application/x-amz-json-1.1"}
        if op:
            headers["X-Amz-Target"] = TARGET_PREFIX + op
        self.conn.request("POST", path, body=json.dumps(body), headers=headers)
        resp = self.conn.getresponse()
        data = resp.read()
        if resp.status not in (200, 201):
            raise SystemExit(f"instructions: {op or path} -> HTTP {resp.status}: {data[:300]!r}")
        return json.loads(data) if data else None


def setup(client, scenario):
    """Builds the state the scenario reads; returns the request to repeat (a list of bodies:
    sent in turn)."""
    with open(os.path.join(ROOT, "bench/lua/task_definition.json")) as f:
        task_definition = json.load(f)
    for i in range(20):
        client.call("CreateCluster", {"clusterName": f"bench-{i}"})
    fleet = 5000 if scenario == "run_task_5000" else 20
    client.call(None, {"cluster": "bench-0", "count": fleet, "instanceType": "m5.4xlarge"},
                "/_emulator/fleets")
    client.call("RegisterTaskDefinition", task_definition)
    run = {"cluster": "bench-0", "taskDefinition": "bench-td"}
    arns = []
    if scenario in ("describe_tasks", "list_tasks"):
        for _ in range(10):
            arns += [t["taskArn"] for t in client.call("RunTask", {**run, "count": 10})["tasks"]]
    if scenario.startswith("service_scale"):
        lbs = [{"targetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:000000000000:"
                                  "targetgroup/bench/0123456789abcdef",
                "containerName": "web", "containerPort": 8080}]
        client.call("CreateService", {"cluster": "bench-0", "serviceName": "bench-svc",
                                      "taskDefinition": "bench-td", "desiredCount": 0,
                                      "loadBalancers": lbs if scenario.endswith("_lb") else []})
    scale = {"cluster": "bench-0", "service": "bench-svc"}
    # Each revision differs from the one before it: a new image tag, as a deploy pipeline makes.
    changed = [json.loads(json.dumps(task_definition)) for _ in range(50)]
    for i, td in enumerate(changed):
        td["containerDefinitions"][0]["image"] += f"-build-{i}"
    return {
        "service_scale": ("UpdateService", [{**scale, "desiredCount": 2},
                                            {**scale, "desiredCount": 0}]),
        "service_scale_lb": ("UpdateService", [{**scale, "desiredCount": 2},
                                               {**scale, "desiredCount": 0}]),
        "describe_clusters": ("DescribeClusters", {"clusters": ["bench-0"]}),
        "register": ("RegisterTaskDefinition", task_definition),
        "register_changed": ("RegisterTaskDefinition", changed),
        "run_task": ("RunTask", {**run, "count": 1}),
        "run_task_5000": ("RunTask", {**run, "count": 1}),
        "describe_tasks": ("DescribeTasks", {"cluster": "bench-0", "tasks": arns[:100]}),
        "list_tasks": ("ListTasks", {"cluster": "bench-0"}),
    }[scenario]


def total_instructions(binary, scenario, requests):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "callgrind.out")
        server = subprocess.Popen(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", binary,
             "--host", "127.0.0.1", "--port", "0", "--ephemeral", "--log-level", "warn"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        port = None
        for line in server.stdout:
            match = re.search(r"listening on http://[^ ]*:(\d+)", line)
            if match:
                port = int(match.group(1))
                break
        if port is None:
            raise SystemExit(f"instructions: {binary} did not start")
        client = Client(port)
        op, body = setup(client, scenario)
        bodies = body if isinstance(body, list) else [body]
        for i in range(requests):
            client.call(op, bodies[i % len(bodies)])
        server.send_signal(signal.SIGTERM)
        server.communicate()
        with open(out) as f:
            for line in f:
                if line.startswith("summary:"):
                    return int(line.split()[1])
    raise SystemExit("instructions: callgrind wrote no summary")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binaries", nargs="+")
    parser.add_argument("--scenario", action="append", choices=SCENARIOS)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    print("| scenario | " + " | ".join(args.binaries) + " |")
    print("|---|" + "---:|" * len(args.binaries))
    for scenario in args.scenario or SCENARIOS:
        cells = []
        for binary in args.binaries:
            base = total_instructions(binary, scenario, 0)
            loaded = total_instructions(binary, scenario, args.requests)
            cells.append(f"{(loaded - base) // args.requests:,}")
        print(f"| {scenario} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
