#!/usr/bin/env python3
"""A/B of per-call latency at ECS's per-cluster limits (issue 14), several binaries in one sitting:
seed a database once, then start each binary on a fresh copy of it.

  bench/scale_ab.py seed DIR BIN          5,000 m5.large instances and 5,000 services of 20
                                          tasks (100,000 RUNNING) in cluster "big", into DIR
  bench/scale_ab.py run DIR BIN [CALLS]   copies DIR's database, starts BIN on it (restart time),
                                          adds cluster "small" (10 instances, 10 services of 20
                                          tasks, like big's) beside "big", then bench/scale.py's latencies
                                          (server mean / client median) on small and on big and
                                          the reconciler's slices over 3 idle seconds

Unlike bench/scale.py the small cluster is measured with the big one in the same process, so a
cost that grows with the whole state (not the cluster addressed) shows on both sides.
"""
import os, shutil, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scale
from scale import Server

mode, src, binary = sys.argv[1], sys.argv[2], os.path.abspath(sys.argv[3])
if mode == "seed":
    s = Server(binary, src)
    s.start()
    s.call("RegisterTaskDefinition", {"family": "scale-td", "networkMode": "bridge", "requiresCompatibilities": ["EC2"],
        "containerDefinitions": [{"name": "app", "image": "nginx", "cpu": 64, "memory": 128, "essential": True}]})
    s.admin("POST", "/_emulator/fleets", {"cluster": "big", "createCluster": True, "count": 5000, "instanceType": "m5.large"})
    t0 = time.time()
    scale.create_services(s, "big", "svc", 5000, 20)
    print("created in", time.time() - t0, flush=True)
    scale.wait_running(s, "big", 100000)
    print("running in", time.time() - t0, flush=True)
    s.stop()
else:
    calls = int(sys.argv[4]) if len(sys.argv) > 4 else 200
    with tempfile.TemporaryDirectory(prefix="ab-", dir=os.path.dirname(os.path.abspath(src))) as d:
        shutil.copy(os.path.join(src, "ecs-emulator.sqlite3"), d)
        s = Server(binary, d)
        ms = s.start()
        scale.wait_running(s, "big", 100000)
        time.sleep(3)
        s.admin("POST", "/_emulator/fleets", {"cluster": "small", "createCluster": True, "count": 10, "instanceType": scale.SMALL_TYPE})
        small = scale.create_services(s, "small", "small", scale.SMALL_SERVICES, 20)
        scale.wait_running(s, "small", scale.SMALL_SERVICES * 20)
        big = [f"svc-{i}" for i in range(5000)]
        sl = scale.latencies(s, "small", small, calls)
        bl = scale.latencies(s, "big", big, calls)
        slices, mean_ms = scale.reconciler_window(s, 3)
        print(f"{os.path.basename(binary)}: restart {ms:.0f} ms; reconciler 3 s idle: {slices:.0f} slices mean {mean_ms:.2f} ms")
        for op in sl:
            (a, ac), (b, bc) = sl[op], bl[op]
            print(f"  {op}: small {a:.0f} / {ac:.0f} µs -> big {b:.0f} / {bc:.0f} µs (x{b / a:.2f} server, x{bc / ac:.2f} client)", flush=True)
        s.stop()
