"""Issue #14 item 2: ListContainerInstances with a catastrophic-backtracking filter against a
40-character attribute, next to a plain regex and an equality, 50 calls each on an ephemeral
server with 10 instances. Run from tests/e2e (it uses its helpers):
    cd tests/e2e && ECS_EMULATOR_BIN=../../build/ecs-emulator /usr/bin/python3 ../../bench/query_regex.py
"""
import sys, time, statistics
sys.path.insert(0, ".")
from conftest import Emulator
from taskhelpers import fleet
emu = Emulator(ephemeral=True); emu.start()
try:
    ecs = emu.client()
    ecs.create_cluster(clusterName="c")
    arns = fleet(emu, cluster="c", count=10)
    ecs.put_attributes(cluster="c", attributes=[{"name": "long", "value": "a" * 40, "targetId": a} for a in arns])
    for expr in ["attribute:long =~ (a|aa)*b", "attribute:long =~ a*", "attribute:long == x"]:
        times = []
        for _ in range(50):
            t = time.perf_counter(); ecs.list_container_instances(cluster="c", filter=expr); times.append(time.perf_counter() - t)
        print(f"{expr!r}: median {statistics.median(times)*1000:.2f} ms, max {max(times)*1000:.2f} ms over 50 calls (10 instances)")
finally:
    emu.stop()
