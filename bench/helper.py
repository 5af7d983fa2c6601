#!/usr/bin/python3
"""Small helpers for bench/run: seeding a server and timing cold starts.

  helper.py seed PORT COUNT          creates clusters bench-0..bench-COUNT-1 and registers
                                     bench/lua/task_definition.json (family bench-td), prints
                                     the ARN of bench-0
  helper.py coldstart BIN RUNS MODE  starts BIN RUNS times (MODE: ephemeral, or disk = a fresh
                                     --data-dir each run), prints best and median milliseconds
                                     from exec to the `listening on` line
"""
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113."


def call(conn, op, body):
    conn.request("POST", "/", body=json.dumps(body), headers={
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": TARGET_PREFIX + op,
    })
    resp = conn.getresponse()
    data = resp.read()
    if resp.status != 200:
        sys.exit(f"seed: {op} -> HTTP {resp.status}: {data[:300]!r}")
    return json.loads(data)


def seed(port, count):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    first_arn = None
    for i in range(count):
        out = call(conn, "CreateCluster", {"clusterName": f"bench-{i}"})
        if first_arn is None:
            first_arn = out["cluster"]["clusterArn"]
    # The definition describe_task_definition reads (and register_task_definition writes).
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "lua", "task_definition.json")) as f:
        call(conn, "RegisterTaskDefinition", json.load(f))
    conn.close()
    print(first_arn)


def start_once(binary, mode):
    with tempfile.TemporaryDirectory(prefix="ecs-bench-") as data_dir:
        store = ["--ephemeral"] if mode == "ephemeral" else ["--data-dir", data_dir]
        args = [binary, "--port", "0", "--log-level", "warn", *store]
        t0 = time.perf_counter()
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, text=True)
        try:
            for line in proc.stdout:
                if "listening on" in line:
                    return (time.perf_counter() - t0) * 1000.0
            sys.exit(f"coldstart: server exited (code {proc.wait()}) before `listening on`")
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def coldstart(binary, runs, mode):
    times = [start_once(binary, mode) for _ in range(runs)]
    print(f"best={min(times):.1f} median={statistics.median(times):.1f}")


def main(argv):
    if len(argv) == 4 and argv[1] == "seed":
        seed(int(argv[2]), int(argv[3]))
    elif len(argv) == 5 and argv[1] == "coldstart":
        coldstart(argv[2], int(argv[3]), argv[4])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
