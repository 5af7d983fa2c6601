"""Simulated time through /_emulator/clock: a frozen clock stops every transition, advancing
runs them in order at their own instants, release lets time flow again, and stopped tasks are
purged once the retention window has passed.

Simulated time never moves back, so every test that advances it runs on its own `--ephemeral`
server: the shared one keeps a clock close to the wall clock for the other suites."""
import datetime
import time

import pytest
from botocore.exceptions import ClientError

from taskhelpers import admin, clock, fleet, simple_definition


# The delays these tests measure against, given explicitly: the default (instant) timing has none
# (tests/e2e/test_first_poll.py covers it, frozen clock included).
DELAYS = ["--task-provisioning-ms", "100", "--task-pending-ms", "200", "--task-stopping-ms", "100",
          "--task-deprovisioning-ms", "100"]


@pytest.fixture
def own(emulators):
    return emulators(ephemeral=True, extra_args=DELAYS)


@pytest.fixture
def frozen(own):
    clock(own, "freeze")
    return own


def test_get_and_freeze_and_release(own):
    server = own
    c = clock(server)
    assert c["frozen"] is False
    assert abs(c["now"] - time.time()) < 5 or c["now"] > time.time()  # never behind the wall clock
    f = clock(server, "freeze")
    assert f["frozen"] is True
    time.sleep(0.3)
    assert clock(server)["now"] == f["now"]
    a = clock(server, "advance", by="1500ms")
    assert a["now"] == pytest.approx(f["now"] + 1.5, abs=1e-6)
    r = clock(server, "release")
    assert r["frozen"] is False
    time.sleep(0.2)
    assert clock(server)["now"] > a["now"]


def test_bad_clock_requests(own):
    server = own
    status, err = admin(server, "POST", "clock", {"action": "rewind"})
    assert status == 400
    status, err = admin(server, "POST", "clock", {"action": "advance", "by": "soon"})
    assert status == 400
    status, err = admin(server, "POST", "clock", {"action": "advance"})
    assert status == 400 and "by" in err["message"]


def test_frozen_clock_holds_pending_until_advanced(frozen):
    server = frozen
    ecs = server.client()
    fleet(server, count=1)
    td = simple_definition(ecs)
    arn = ecs.run_task(taskDefinition=td)["tasks"][0]["taskArn"]
    time.sleep(0.6)  # three times the PENDING delay of real time: nothing moves
    t = ecs.describe_tasks(tasks=[arn])["tasks"][0]
    assert t["lastStatus"] == "PENDING"
    created = t["createdAt"]
    clock(server, "advance", by="1s")
    t = ecs.describe_tasks(tasks=[arn])["tasks"][0]
    assert t["lastStatus"] == "RUNNING"
    # The step happened at its own simulated instant, not at the end of the advance.
    assert t["startedAt"] - created == datetime.timedelta(milliseconds=200)

    ecs.stop_task(task=arn)
    time.sleep(0.3)
    assert ecs.describe_tasks(tasks=[arn])["tasks"][0]["lastStatus"] == "RUNNING"
    clock(server, "advance", by="50ms")  # STOPPING is due at once, STOPPED 100 ms later
    assert ecs.describe_tasks(tasks=[arn])["tasks"][0]["lastStatus"] == "STOPPING"
    clock(server, "advance", by="50ms")
    t = ecs.describe_tasks(tasks=[arn])["tasks"][0]
    assert t["lastStatus"] == "STOPPED"
    assert t["stoppedAt"] - t["stoppingAt"] == datetime.timedelta(milliseconds=100)


def test_advance_runs_transitions_in_order(frozen):
    server = frozen
    ecs = server.client()
    fleet(server, count=1)
    td = simple_definition(ecs)
    first = ecs.run_task(taskDefinition=td)["tasks"][0]["taskArn"]
    clock(server, "advance", by="150ms")
    second = ecs.run_task(taskDefinition=td)["tasks"][0]["taskArn"]
    clock(server, "advance", by="100ms")  # first is due at +200, second at +350
    statuses = {t["taskArn"]: t for t in ecs.describe_tasks(tasks=[first, second])["tasks"]}
    assert statuses[first]["lastStatus"] == "RUNNING"
    assert statuses[second]["lastStatus"] == "PENDING"
    clock(server, "advance", by="10s")
    statuses = {t["taskArn"]: t for t in ecs.describe_tasks(tasks=[first, second])["tasks"]}
    assert statuses[second]["lastStatus"] == "RUNNING"
    assert statuses[second]["startedAt"] - statuses[first]["startedAt"] == datetime.timedelta(milliseconds=150)


def test_waiter_sees_running_after_advance(frozen):
    server = frozen
    ecs = server.client()
    fleet(server, count=2)
    td = simple_definition(ecs)
    arns = [t["taskArn"] for t in ecs.run_task(taskDefinition=td, count=4)["tasks"]]
    clock(server, "advance", by="1s")
    ecs.get_waiter("tasks_running").wait(tasks=arns, WaiterConfig={"Delay": 1, "MaxAttempts": 1})


def test_stopped_tasks_are_purged_after_the_retention_window(frozen):
    server = frozen
    ecs = server.client()
    fleet(server, count=1)
    td = simple_definition(ecs)
    arn = ecs.run_task(taskDefinition=td)["tasks"][0]["taskArn"]
    clock(server, "advance", by="1s")
    ecs.stop_task(task=arn)
    clock(server, "advance", by="1s")
    assert ecs.describe_tasks(tasks=[arn])["tasks"][0]["lastStatus"] == "STOPPED"
    assert ecs.list_tasks(desiredStatus="STOPPED")["taskArns"] == [arn]
    clock(server, "advance", by="59m")
    assert ecs.describe_tasks(tasks=[arn])["tasks"][0]["lastStatus"] == "STOPPED"
    clock(server, "advance", by="1m")
    out = ecs.describe_tasks(tasks=[arn])
    assert out["tasks"] == []
    assert out["failures"] == [{"arn": arn, "reason": "MISSING"}]
    assert ecs.list_tasks(desiredStatus="STOPPED")["taskArns"] == []


def test_release_lets_the_lifecycle_continue(own):
    server, ecs = own, own.client()
    fleet(server, count=1)
    td = simple_definition(ecs)
    clock(server, "freeze")
    try:
        arn = ecs.run_task(taskDefinition=td)["tasks"][0]["taskArn"]
        time.sleep(0.4)
        assert ecs.describe_tasks(tasks=[arn])["tasks"][0]["lastStatus"] == "PENDING"
    finally:
        clock(server, "release")
    deadline = time.monotonic() + 3
    while ecs.describe_tasks(tasks=[arn])["tasks"][0]["lastStatus"] != "RUNNING":
        assert time.monotonic() < deadline, "task did not reach RUNNING after release"
        time.sleep(0.05)


def test_reset_releases_a_frozen_clock(server):
    clock(server, "freeze")
    server.reset()
    assert clock(server)["frozen"] is False
