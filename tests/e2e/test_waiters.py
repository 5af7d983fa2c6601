"""The ECS waiters against the emulator, with their DEFAULT settings: services-stable,
services-inactive, tasks-running, tasks-stopped (boto3 and the AWS CLI v2, and v1 when it is on
PATH). They must succeed promptly in the normal lifecycle and fail the way AWS makes them fail
(MISSING, DRAINING)."""
import os
import shutil
import subprocess
import threading
import time

import pytest
from botocore.exceptions import WaiterError

from svchelpers import clock, definition, describe, fleet, service_tasks, wait_stable, wait_until


@pytest.fixture
def cluster(ecs, server):
    ecs.create_cluster(clusterName="w")
    fleet(server, cluster="w", count=3)
    definition(ecs, "w")
    return "w"


def test_services_stable_default_waiters_boto3_and_cli_succeed_by_the_second_poll(
        ecs, aws, cluster):
    """ServicesStable polls at once, then every 15 s: a new service (boto3) and a rolled one
    (CLI v2) must both be stable by the second poll. Run side by side to share the 15 s."""
    ecs.create_service(cluster=cluster, serviceName="a", taskDefinition="w", desiredCount=2)
    ecs.create_service(cluster=cluster, serviceName="b", taskDefinition="w", desiredCount=1)
    wait_stable(ecs, cluster, "b")
    definition(ecs, "w", cpu=64)
    ecs.update_service(cluster=cluster, service="b", taskDefinition="w:2")
    result = {}

    def cli():
        t0 = time.monotonic()
        result["cli"] = aws.run("wait", "services-stable", "--cluster", cluster, "--services", "b")
        result["cli_s"] = time.monotonic() - t0

    th = threading.Thread(target=cli)
    th.start()
    t0 = time.monotonic()
    ecs.get_waiter("services_stable").wait(cluster=cluster, services=["a"])  # default config
    boto_s = time.monotonic() - t0
    th.join(60)
    assert boto_s < 17, boto_s
    assert result["cli"].returncode == 0, result["cli"].stderr
    assert result["cli_s"] < 17, result["cli_s"]
    for name in ("a", "b"):
        svc = describe(ecs, cluster, name)
        assert len(svc["deployments"]) == 1 and svc["runningCount"] == svc["desiredCount"]


def test_services_stable_fails_at_once_for_missing_and_draining(ecs, aws, server, cluster):
    t0 = time.monotonic()
    with pytest.raises(WaiterError) as e:
        ecs.get_waiter("services_stable").wait(cluster=cluster, services=["ghost"])
    assert "MISSING" in str(e.value) or "failure" in str(e.value).lower()
    p = aws.run("wait", "services-stable", "--cluster", cluster, "--services", "ghost")
    assert p.returncode != 0 and "Waiter ServicesStable failed" in p.stderr
    # services-inactive also fails on MISSING (a purged service would break it).
    p = aws.run("wait", "services-inactive", "--cluster", cluster, "--services", "ghost")
    assert p.returncode != 0 and "Waiter ServicesInactive failed" in p.stderr
    # DRAINING: hold the service there with a frozen clock (its tasks cannot move on).
    ecs.create_service(cluster=cluster, serviceName="d", taskDefinition="w", desiredCount=1)
    wait_stable(ecs, cluster, "d")
    clock(server, "freeze")
    ecs.delete_service(cluster=cluster, service="d", force=True)
    assert describe(ecs, cluster, "d")["status"] == "DRAINING"
    with pytest.raises(WaiterError):
        ecs.get_waiter("services_stable").wait(cluster=cluster, services=["d"])
    p = aws.run("wait", "services-stable", "--cluster", cluster, "--services", "d")
    assert p.returncode != 0 and "Waiter ServicesStable failed" in p.stderr
    clock(server, "release")
    # ...and once INACTIVE, services-inactive succeeds at its first poll.
    wait_until(lambda: describe(ecs, cluster, "d")["status"] == "INACTIVE", timeout=5)
    ecs.get_waiter("services_inactive").wait(cluster=cluster, services=["d"])
    with pytest.raises(WaiterError):
        ecs.get_waiter("services_stable").wait(cluster=cluster, services=["d"])
    assert time.monotonic() - t0 < 15


def test_services_inactive_after_delete_default_settings(ecs, aws, cluster):
    ecs.create_service(cluster=cluster, serviceName="gone", taskDefinition="w", desiredCount=2)
    wait_stable(ecs, cluster, "gone")
    t0 = time.monotonic()
    out = ecs.delete_service(cluster=cluster, service="gone", force=True)["service"]
    assert out["status"] == "DRAINING"
    # INACTIVE as soon as every task is STOPPING: well within one tick of the reconciler.
    wait_until(lambda: describe(ecs, cluster, "gone")["status"] == "INACTIVE", timeout=2)
    ecs.get_waiter("services_inactive").wait(cluster=cluster, services=["gone"])
    aws("wait", "services-inactive", "--cluster", cluster, "--services", "gone")
    assert time.monotonic() - t0 < 5
    svc = describe(ecs, cluster, "gone")
    assert svc["status"] == "INACTIVE" and svc["desiredCount"] == 0


def test_tasks_running_and_stopped_for_service_tasks(ecs, aws, cluster):
    ecs.create_service(cluster=cluster, serviceName="t", taskDefinition="w", desiredCount=3)
    wait_until(lambda: len(ecs.list_tasks(cluster=cluster, serviceName="t")["taskArns"]) == 3,
               timeout=5)
    arns = ecs.list_tasks(cluster=cluster, serviceName="t")["taskArns"]
    t0 = time.monotonic()
    ecs.get_waiter("tasks_running").wait(cluster=cluster, tasks=arns)  # default: 6 s delay
    # At most one delay; timed without the CLI, whose own start-up takes seconds on a loaded runner.
    assert time.monotonic() - t0 < 7.5
    aws("wait", "tasks-running", "--cluster", cluster, "--tasks", *arns)
    # Stop one: tasks-stopped succeeds, and the service replaces it.
    ecs.stop_task(cluster=cluster, task=arns[0], reason="testing")
    t0 = time.monotonic()
    aws("wait", "tasks-stopped", "--cluster", cluster, "--tasks", arns[0])
    ecs.get_waiter("tasks_stopped").wait(cluster=cluster, tasks=[arns[0]])
    assert time.monotonic() - t0 < 8
    stopped = ecs.describe_tasks(cluster=cluster, tasks=[arns[0]])["tasks"][0]
    assert stopped["stopCode"] == "UserInitiated" and stopped["stoppedReason"] == "testing"
    svc = wait_stable(ecs, cluster, "t")
    assert svc["runningCount"] == 3
    # tasks-running fails at once on a STOPPED task and on an unknown one.
    with pytest.raises(WaiterError):
        ecs.get_waiter("tasks_running").wait(cluster=cluster, tasks=[arns[0]])
    with pytest.raises(WaiterError):
        ecs.get_waiter("tasks_running").wait(cluster=cluster, tasks=["0" * 32])


def _aws_cli_v1():
    path = shutil.which("aws")
    if not path or os.path.realpath(path) == os.path.realpath("/usr/bin/aws"):
        return None
    p = subprocess.run([path, "--version"], capture_output=True, text=True)
    text = p.stdout + p.stderr
    return path if text.startswith("aws-cli/1.") else None


def test_aws_cli_v1_waiters(ecs, server, cluster):
    cli = _aws_cli_v1()
    if cli is None:
        pytest.skip("no AWS CLI v1 on PATH")
    ecs.create_service(cluster=cluster, serviceName="v1", taskDefinition="w", desiredCount=1)
    wait_stable(ecs, cluster, "v1")
    env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY="secret",
               AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_PAGER="")
    base = ["--endpoint-url", server.url, "--region", "us-east-1"]

    def run(*args):
        return subprocess.run([cli, "ecs", *args, *base], capture_output=True, text=True,
                              timeout=60, env=env)

    p = run("wait", "services-stable", "--cluster", cluster, "--services", "v1")
    assert p.returncode == 0, p.stderr
    arns = ecs.list_tasks(cluster=cluster, serviceName="v1")["taskArns"]
    p = run("wait", "tasks-running", "--cluster", cluster, "--tasks", *arns)
    assert p.returncode == 0, p.stderr
    p = run("wait", "services-stable", "--cluster", cluster, "--services", "ghost")
    assert p.returncode != 0
    ecs.delete_service(cluster=cluster, service="v1", force=True)
    p = run("wait", "services-inactive", "--cluster", cluster, "--services", "v1")
    assert p.returncode == 0, p.stderr
