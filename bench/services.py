#!/usr/bin/python3
"""Service-scheduler benchmark (issue 5): a cluster of 1,000 instances with 200 services of 50
tasks each; a rolling deployment of every service on a frozen clock advanced by hand; and
DescribeServices throughput (wrk) while the reconciler works through rolling deployments.

  bench/services.py [--bin PATH] [--instances N] [--services N] [--tasks N] [--disk]
                    [--duration SEC] [--connections "1 16"] [--step-ms MS]

Prints Markdown rows for bench/RESULTS.md. The server runs --ephemeral (--disk: a fresh
--data-dir, every reconciler batch a durable SQLite commit) with --log-level warn. Requests are
unsigned AWS JSON 1.1, as in bench/run.
"""
import argparse
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

TARGET = "AmazonEC2ContainerServiceV20141113."
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Server:
    def __init__(self, binary, disk):
        self.work = tempfile.mkdtemp(prefix="ecs-svc-bench-")
        shutil.copy2(binary, os.path.join(self.work, "ecs-emulator"))
        store = ["--data-dir", os.path.join(self.work, "data")] if disk else ["--ephemeral"]
        self.proc = subprocess.Popen(
            [os.path.join(self.work, "ecs-emulator"), "--host", "127.0.0.1", "--port", "0",
             "--log-level", "warn", *store],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"listening on http://[^ ]*:(\d+)", line)
        if not m:
            sys.exit(f"server did not start: {line!r}")
        self.port = int(m.group(1))
        threading.Thread(target=lambda: [None for _ in self.proc.stdout], daemon=True).start()
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)

    def call(self, op, body):
        self.conn.request("POST", "/", body=json.dumps(body), headers={
            "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET + op})
        resp = self.conn.getresponse()
        data = resp.read()
        if resp.status != 200:
            sys.exit(f"{op} -> HTTP {resp.status}: {data[:300]!r}")
        return json.loads(data)

    def admin(self, route, body):
        self.conn.request("POST", f"/_emulator/{route}", body=json.dumps(body),
                          headers={"Content-Type": "application/json"})
        resp = self.conn.getresponse()
        data = resp.read()
        if resp.status != 200:
            sys.exit(f"/_emulator/{route} -> HTTP {resp.status}: {data[:300]!r}")
        return json.loads(data)

    def rss_kib(self, field="VmHWM"):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        return 0

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.work, ignore_errors=True)


def unstable(server, names, td=None):
    """Names of services not yet stable (one deployment, running == desired, on `td`)."""
    out = []
    for i in range(0, len(names), 10):
        svcs = server.call("DescribeServices", {"cluster": "bench", "services": names[i:i + 10]})
        for s in svcs["services"]:
            ok = (len(s["deployments"]) == 1 and s["runningCount"] == s["desiredCount"]
                  and s["pendingCount"] == 0
                  and (td is None or s["deployments"][0]["taskDefinition"] == td))
            if not ok:
                out.append(s["serviceName"])
    return out


def advance_until_stable(server, names, td, step_ms, limit=2000):
    """Advances the frozen clock step by step until every service is stable. Returns
    (advances, simulated ms, wall seconds)."""
    t0 = time.perf_counter()
    pending = list(names)
    advances = 0
    while pending:
        server.admin("clock", {"action": "advance", "by": f"{step_ms}ms"})
        advances += 1
        pending = unstable(server, pending, td)
        if advances >= limit:
            sys.exit(f"not stable after {advances} advances: {pending[:5]}...")
    return advances, advances * step_ms, time.perf_counter() - t0


def wrk(port, conns, duration, per_request, services):
    threads = min(conns, 2)
    env = dict(os.environ, BENCH_CLUSTER_NAME="bench", BENCH_SERVICES=str(services),
               BENCH_SERVICES_PER_REQUEST=str(per_request),
               LUA_PATH=os.path.join(ROOT, "bench", "lua", "?.lua") + ";;")
    p = subprocess.run(["wrk", f"-t{threads}", f"-c{conns}", f"-d{duration}s", "-s",
                        os.path.join(ROOT, "bench", "lua", "describe_services.lua"),
                        f"http://127.0.0.1:{port}/"], capture_output=True, text=True, env=env)
    m = re.search(r"^BENCH (.*)$", p.stdout, re.M)
    if not m:
        sys.exit(f"wrk printed no result:\n{p.stdout}\n{p.stderr}")
    return dict(kv.split("=") for kv in m.group(1).split())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.environ.get("ECS_EMULATOR_BIN",
                                                    os.path.join(ROOT, "build", "ecs-emulator")))
    ap.add_argument("--instances", type=int, default=1000)
    ap.add_argument("--services", type=int, default=200)
    ap.add_argument("--tasks", type=int, default=50)
    ap.add_argument("--disk", action="store_true")
    ap.add_argument("--duration", type=int, default=5)
    ap.add_argument("--connections", default="1 16")
    ap.add_argument("--step-ms", type=int, default=250)
    args = ap.parse_args()

    server = Server(args.bin, args.disk)
    rows = []
    try:
        server.call("CreateCluster", {"clusterName": "bench"})
        t0 = time.perf_counter()
        server.admin("fleets", {"cluster": "bench", "count": args.instances,
                                "instanceType": "m5.xlarge"})
        rows.append(("fleet of %d m5.xlarge instances (POST /_emulator/fleets)" % args.instances,
                     f"{time.perf_counter() - t0:.2f} s"))
        tds = []
        for cpu in (128, 64):
            out = server.call("RegisterTaskDefinition", {
                "family": "bench-svc",
                "containerDefinitions": [{"name": "app", "image": "nginx", "cpu": cpu,
                                          "memory": 256, "essential": True}]})
            tds.append(out["taskDefinition"]["taskDefinitionArn"])
        names = [f"svc-{i}" for i in range(args.services)]

        # 1. Initial placement of services x tasks on a frozen clock.
        server.admin("clock", {"action": "freeze"})
        t0 = time.perf_counter()
        for n in names:
            server.call("CreateService", {"cluster": "bench", "serviceName": n,
                                          "taskDefinition": tds[0], "desiredCount": args.tasks})
        created = time.perf_counter() - t0
        adv, sim, wall = advance_until_stable(server, names, tds[0], args.step_ms)
        rows.append((f"{args.services} CreateService calls", f"{created:.2f} s"))
        rows.append((f"{args.services} services x {args.tasks} tasks placed and stable "
                     f"(frozen clock, {args.step_ms} ms advances)",
                     f"{wall:.2f} s wall, {adv} advances ({sim / 1000:.1f} s simulated)"))

        # 2. A rolling deployment of every service (100/200) on the frozen clock.
        t0 = time.perf_counter()
        for n in names:
            server.call("UpdateService", {"cluster": "bench", "service": n,
                                          "taskDefinition": tds[1]})
        updated = time.perf_counter() - t0
        adv, sim, wall = advance_until_stable(server, names, tds[1], args.step_ms)
        rows.append((f"{args.services} UpdateService calls (new revision)", f"{updated:.2f} s"))
        rows.append((f"rolling deployment of all {args.services} services until stable "
                     f"({args.services * args.tasks} tasks replaced)",
                     f"**{wall + updated:.2f} s wall** ({wall:.2f} s advancing), {adv} advances "
                     f"({sim / 1000:.1f} s simulated)"))
        rss = server.rss_kib()

        # 3. DescribeServices while the reconciler works: the clock flows again and every
        # service is redeployed (forceNewDeployment) again and again during the wrk runs.
        # For scale: DescribeServices with the reconciler idle (everything stable, clock frozen).
        idle_rows = []
        for per in (1, 10):
            for conns in [int(c) for c in args.connections.split()]:
                idle_rows.append((per, conns, wrk(server.port, conns, args.duration, per,
                                                  args.services)))

        server.admin("clock", {"action": "release"})
        stop = threading.Event()
        rounds = [0]

        def churn():
            c = Server.__new__(Server)
            c.conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
            while not stop.is_set():
                for n in names:
                    if stop.is_set():
                        break
                    Server.call(c, "UpdateService", {"cluster": "bench", "service": n,
                                                     "forceNewDeployment": True})
                rounds[0] += 1
                stop.wait(2.0)

        th = threading.Thread(target=churn, daemon=True)
        th.start()
        time.sleep(0.5)
        wrk_rows = []
        for per in (1, 10):
            for conns in [int(c) for c in args.connections.split()]:
                r = wrk(server.port, conns, args.duration, per, args.services)
                wrk_rows.append((per, conns, r))
        stop.set()
        th.join(60)
        busy = server.call("DescribeServices", {"cluster": "bench", "services": names[:10]})
        in_flight = sum(len(s["deployments"]) > 1 for s in busy["services"])
        rss = max(rss, server.rss_kib())
    finally:
        server.stop()

    mode = "disk" if args.disk else "ephemeral"
    print(f"| step ({mode}) | result |")
    print("|---|---|")
    for k, v in rows:
        print(f"| {k} | {v} |")
    print(f"| server RSS peak | {rss // 1024} MiB |")
    print()
    print(f"DescribeServices while every service is redeployed (forceNewDeployment of all "
          f"{args.services} services every ~2 s, {rounds[0]} rounds; {in_flight}/10 sampled "
          f"services mid-deployment at the end):")
    print()
    print("| services per request | conns | req/s | p50 ms | p99 ms | errors | req/s, reconciler idle |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for (per, conns, r), (_, _, idle) in zip(wrk_rows, idle_rows):
        print(f"| {per} | {conns} | {r['rps']} | {r['p50_ms']} | {r['p99_ms']} | {r['errors']} "
              f"| {idle['rps']} |")


if __name__ == "__main__":
    main()
