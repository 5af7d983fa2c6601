#!/usr/bin/python3
"""Seeds a server for the task scenarios of bench/run and prints KEY=VALUE lines that bench/run
exports to the wrk script.

  seed_tasks.py PORT run_task        cluster `tasks` with a fleet of 1,000 m5.large instances
                                     and 10,000 RUNNING tasks (1,000 RunTask calls of count 10);
                                     then the clock is frozen, so the tasks the benchmark places
                                     stay PENDING and the reconciler does no work during the run
  seed_tasks.py PORT list_tasks      1,000 instances and 100,000 tasks (10,000 RunTask calls,
                                     clock frozen first); prints a first-page and a deep-page
                                     (task 50,000) ListTasks body
  seed_tasks.py PORT describe_tasks  10 instances, 100 RUNNING tasks; prints a DescribeTasks body
                                     naming all 100

Every body printed is BENCH_BODY; the RunTask scenario also gets BENCH_TASKS_PER_REQUEST.
"""
import http.client
import json
import sys
import time

TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113."
CLUSTER = "tasks"


class Client:
    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, op, body, parse=True):
        self.conn.request("POST", "/", body=json.dumps(body), headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": TARGET_PREFIX + op,
        })
        resp = self.conn.getresponse()
        data = resp.read()
        if resp.status != 200:
            sys.exit(f"seed_tasks: {op} -> HTTP {resp.status}: {data[:300]!r}")
        return json.loads(data) if parse else data

    def admin(self, route, body):
        self.conn.request("POST", f"/_emulator/{route}", body=json.dumps(body),
                          headers={"Content-Type": "application/json"})
        resp = self.conn.getresponse()
        data = resp.read()
        if resp.status != 200:
            sys.exit(f"seed_tasks: /_emulator/{route} -> HTTP {resp.status}: {data[:300]!r}")
        return json.loads(data)


def base(c, instances):
    c.call("CreateCluster", {"clusterName": CLUSTER})
    left = instances
    while left > 0:  # the admin API makes at most 5,000 per call
        n = min(left, 5000)
        c.admin("fleets", {"cluster": CLUSTER, "count": n, "instanceType": "m5.large"})
        left -= n
    c.call("RegisterTaskDefinition", {
        "family": "bench-task",
        "containerDefinitions": [{"name": "app", "image": "nginx", "cpu": 10, "memory": 10}],
    })


def run_tasks(c, requests):
    body = {"cluster": CLUSTER, "taskDefinition": "bench-task", "count": 10}
    for _ in range(requests):
        c.call("RunTask", body, parse=False)


def wait_running(c, expected):
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        out = c.call("DescribeClusters", {"clusters": [CLUSTER]})["clusters"][0]
        if out["runningTasksCount"] >= expected and out["pendingTasksCount"] == 0:
            return
        time.sleep(0.2)
    sys.exit("seed_tasks: tasks did not reach RUNNING")


def emit(**kv):
    for k, v in kv.items():
        print(f"{k}={v}")


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    c = Client(int(argv[1]))
    kind = argv[2]
    if kind == "run_task":
        base(c, 1000)
        run_tasks(c, 1000)
        wait_running(c, 10_000)
        c.admin("clock", {"action": "freeze"})
        emit(BENCH_TASKS_PER_REQUEST=10,
             BENCH_BODY=json.dumps({"cluster": CLUSTER, "taskDefinition": "bench-task", "count": 10}))
    elif kind == "list_tasks":
        c.admin("clock", {"action": "freeze"})
        base(c, 1000)
        run_tasks(c, 10_000)
        first = {"cluster": CLUSTER, "maxResults": 100}
        token = None
        for _ in range(500):  # to task 50,000
            page = c.call("ListTasks", dict(first, nextToken=token) if token else first)
            token = page["nextToken"]
        deep = dict(first, nextToken=token)
        emit(BENCH_BODY_FIRST=json.dumps(first), BENCH_BODY_DEEP=json.dumps(deep))
    elif kind == "describe_tasks":
        base(c, 10)
        arns = []
        for _ in range(10):
            arns += [t["taskArn"] for t in c.call("RunTask", {"cluster": CLUSTER, "taskDefinition": "bench-task",
                                                              "count": 10})["tasks"]]
        wait_running(c, 100)
        emit(BENCH_BODY=json.dumps({"cluster": CLUSTER, "tasks": arns}))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
