"""Waiters on their FIRST poll: with the default (instant) timing the server runs what a write
made due before the next request, so boto3's services_stable, tasks_running, tasks_stopped and
services_inactive with their DEFAULT settings (delays of 15 s and 6 s) return in well under a
second after CreateService / UpdateService / RunTask / StopTask / DeleteService — and do NOT
succeed early when something holds the outcome back (no capacity, a health check's interval, an
exit-after behaviour). Under a frozen clock every intermediate state is still visible in order,
one 1 ms advance at a time; `--timing realistic` brings ECS-like delays back."""
import time

import pytest
from botocore.exceptions import WaiterError

from svchelpers import clock, describe, fleet

# Under one waiter delay (6 s) by far, and what the issue asks: the first poll, not the second.
FIRST_POLL_S = 1.0


def timed_wait(ecs, name, **kw):
    t0 = time.monotonic()
    ecs.get_waiter(name).wait(**kw)  # default WaiterConfig
    return time.monotonic() - t0


def register(ecs, family, image="nginx:latest", memory=64, **container):
    c = {"name": "app", "image": image, "memory": memory, "essential": True, **container}
    return ecs.register_task_definition(family=family, containerDefinitions=[c])[
        "taskDefinition"]["taskDefinitionArn"]


def fails_on_first_poll(ecs, name, **kw):
    with pytest.raises(WaiterError) as e:
        ecs.get_waiter(name).wait(WaiterConfig={"Delay": 1, "MaxAttempts": 1}, **kw)
    return str(e.value)


@pytest.fixture
def cluster(ecs, server):
    ecs.create_cluster(clusterName="fp")
    fleet(server, cluster="fp", count=3)
    return "fp"


def test_service_waiters_succeed_on_the_first_poll(ecs, aws, cluster):
    td1 = register(ecs, "fp-web")
    ecs.create_service(cluster=cluster, serviceName="web", taskDefinition=td1, desiredCount=3)
    assert timed_wait(ecs, "services_stable", cluster=cluster, services=["web"]) < FIRST_POLL_S
    svc = describe(ecs, cluster, "web")
    assert svc["runningCount"] == 3 and svc["deployments"][0]["rolloutState"] == "COMPLETED"

    td2 = register(ecs, "fp-web", memory=96)
    ecs.update_service(cluster=cluster, service="web", taskDefinition=td2)
    assert timed_wait(ecs, "services_stable", cluster=cluster, services=["web"]) < FIRST_POLL_S
    svc = describe(ecs, cluster, "web")
    assert [d["taskDefinition"] for d in svc["deployments"]] == [td2]
    assert svc["deployments"][0]["rolloutState"] == "COMPLETED"
    # The CLI's waiter too (its start-up is not timed: it takes seconds on a loaded machine).
    aws("wait", "services-stable", "--cluster", cluster, "--services", "web")

    ecs.delete_service(cluster=cluster, service="web", force=True)
    assert timed_wait(ecs, "services_inactive", cluster=cluster, services=["web"]) < FIRST_POLL_S
    assert describe(ecs, cluster, "web")["status"] == "INACTIVE"


def test_task_waiters_succeed_on_the_first_poll(ecs, aws, cluster):
    td = register(ecs, "fp-task")
    arns = [t["taskArn"] for t in ecs.run_task(cluster=cluster, taskDefinition=td, count=3)["tasks"]]
    assert timed_wait(ecs, "tasks_running", cluster=cluster, tasks=arns) < FIRST_POLL_S
    ecs.stop_task(cluster=cluster, task=arns[0])
    assert timed_wait(ecs, "tasks_stopped", cluster=cluster, tasks=[arns[0]]) < FIRST_POLL_S
    t = ecs.describe_tasks(cluster=cluster, tasks=[arns[0]])["tasks"][0]
    assert t["lastStatus"] == "STOPPED" and t["containers"][0]["exitCode"] == 0
    aws("wait", "tasks-stopped", "--cluster", cluster, "--tasks", arns[0])


def test_fargate_task_waiters_succeed_on_the_first_poll(ecs, cluster):
    td = ecs.register_task_definition(
        family="fp-fg", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256",
        memory="512", containerDefinitions=[{"name": "app", "image": "nginx:latest"}])[
        "taskDefinition"]["taskDefinitionArn"]
    net = {"awsvpcConfiguration": {"subnets": ["subnet-12345678"]}}
    arn = ecs.run_task(cluster=cluster, taskDefinition=td, launchType="FARGATE",
                       networkConfiguration=net)["tasks"][0]["taskArn"]
    assert timed_wait(ecs, "tasks_running", cluster=cluster, tasks=[arn]) < FIRST_POLL_S
    ecs.stop_task(cluster=cluster, task=arn)
    assert timed_wait(ecs, "tasks_stopped", cluster=cluster, tasks=[arn]) < FIRST_POLL_S


def test_one_off_task_with_an_exit_code_is_stopped_on_the_first_poll(ecs, cluster):
    td = register(ecs, "fp-job", dockerLabels={"ecs-emulator.exit-code": "0"})
    arn = ecs.run_task(cluster=cluster, taskDefinition=td)["tasks"][0]["taskArn"]
    assert timed_wait(ecs, "tasks_stopped", cluster=cluster, tasks=[arn]) < FIRST_POLL_S
    t = ecs.describe_tasks(cluster=cluster, tasks=[arn])["tasks"][0]
    assert t["containers"][0]["exitCode"] == 0 and "startedAt" in t


def test_daemon_reports_its_desired_count_and_is_stable_on_the_first_poll(ecs, cluster):
    td = register(ecs, "fp-daemon")
    out = ecs.create_service(cluster=cluster, serviceName="agent", taskDefinition=td,
                             schedulingStrategy="DAEMON")["service"]
    assert out["desiredCount"] == 3  # one per instance, in the CreateService response
    assert timed_wait(ecs, "services_stable", cluster=cluster, services=["agent"]) < FIRST_POLL_S
    assert describe(ecs, cluster, "agent")["runningCount"] == 3


# --- what holds the outcome back: the waiter must NOT succeed on its first poll ---

def test_no_capacity_holds_services_stable_back(ecs, cluster):
    td = register(ecs, "fp-huge", memory=1_000_000)
    ecs.create_service(cluster=cluster, serviceName="huge", taskDefinition=td, desiredCount=1)
    fails_on_first_poll(ecs, "services_stable", cluster=cluster, services=["huge"])
    assert describe(ecs, cluster, "huge")["runningCount"] == 0


def test_a_health_check_holds_a_rolling_update_back(ecs, cluster):
    # services_stable wants one deployment: the old one stays until the new tasks are HEALTHY
    # (minimumHealthyPercent 100), which is only at their first check, `interval` (5 s) after
    # they start. (A NEW service has one deployment from the start, so with ECS services_stable
    # succeeds once its tasks run, healthy or not; only rolloutState waits for health.)
    plain = register(ecs, "fp-hc")
    ecs.create_service(cluster=cluster, serviceName="hc", taskDefinition=plain, desiredCount=1,
                       deploymentConfiguration={"minimumHealthyPercent": 100,
                                                "maximumPercent": 200})
    assert timed_wait(ecs, "services_stable", cluster=cluster, services=["hc"]) < FIRST_POLL_S
    checked = register(ecs, "fp-hc", healthCheck={"command": ["CMD", "true"], "interval": 5})
    ecs.update_service(cluster=cluster, service="hc", taskDefinition=checked)
    fails_on_first_poll(ecs, "services_stable", cluster=cluster, services=["hc"])
    svc = describe(ecs, cluster, "hc")
    assert len(svc["deployments"]) == 2
    assert svc["deployments"][0]["rolloutState"] == "IN_PROGRESS"


def test_an_exit_after_behaviour_holds_tasks_stopped_back(ecs, cluster):
    td = register(ecs, "fp-slow-job", dockerLabels={"ecs-emulator.exit-code": "0",
                                                    "ecs-emulator.exit-after": "3s"})
    arn = ecs.run_task(cluster=cluster, taskDefinition=td)["tasks"][0]["taskArn"]
    fails_on_first_poll(ecs, "tasks_stopped", cluster=cluster, tasks=[arn])
    # ...while it runs, tasks_running succeeds at once.
    assert timed_wait(ecs, "tasks_running", cluster=cluster, tasks=[arn]) < FIRST_POLL_S


# --- a frozen clock still shows every step, in order ---

def test_frozen_clock_shows_every_intermediate_state_in_order(ephemeral_server):
    server, ecs = ephemeral_server, ephemeral_server.client()
    fleet(server, cluster="default", count=1)
    td = ecs.register_task_definition(
        family="fz", networkMode="awsvpc",
        containerDefinitions=[{"name": "app", "image": "nginx:latest", "memory": 64}])[
        "taskDefinition"]["taskDefinitionArn"]
    net = {"awsvpcConfiguration": {"subnets": ["subnet-12345678"]}}
    clock(server, "freeze")
    arn = ecs.run_task(taskDefinition=td, networkConfiguration=net)["tasks"][0]["taskArn"]

    def status():
        return ecs.describe_tasks(tasks=[arn])["tasks"][0]["lastStatus"]

    seen = [status()]
    for _ in range(2):
        clock(server, "advance", by="1ms")
        seen.append(status())
    assert seen == ["PROVISIONING", "PENDING", "RUNNING"]
    ecs.stop_task(task=arn)
    seen = [status()]
    for _ in range(3):
        clock(server, "advance", by="1ms")
        seen.append(status())
    assert seen == ["RUNNING", "STOPPING", "DEPROVISIONING", "STOPPED"]


def test_frozen_clock_shows_a_deployment_in_progress_then_completed(ephemeral_server):
    server, ecs = ephemeral_server, ephemeral_server.client()
    fleet(server, cluster="default", count=2)
    td = register(ecs, "fzs")
    clock(server, "freeze")
    ecs.create_service(serviceName="s", taskDefinition=td, desiredCount=2)
    svc = describe(ecs, "default", "s")
    assert svc["deployments"][0]["rolloutState"] == "IN_PROGRESS" and svc["runningCount"] == 0
    fails_on_first_poll(ecs, "services_stable", services=["s"])
    # The scheduler still places tasks under a frozen clock; they wait in PENDING.
    tasks = ecs.describe_tasks(tasks=ecs.list_tasks(serviceName="s")["taskArns"])["tasks"]
    assert [t["lastStatus"] for t in tasks] == ["PENDING", "PENDING"]
    clock(server, "advance", by="1ms")  # RUNNING
    svc = describe(ecs, "default", "s")
    assert svc["runningCount"] == 2 and svc["deployments"][0]["rolloutState"] == "COMPLETED"


def test_realistic_timing_is_an_opt_in_profile(emulators):
    server = emulators(ephemeral=True, extra_args=["--timing", "realistic"])
    ecs = server.client()
    fleet(server, cluster="default", count=1)
    td = register(ecs, "real")
    arn = ecs.run_task(taskDefinition=td)["tasks"][0]["taskArn"]
    fails_on_first_poll(ecs, "tasks_running", tasks=[arn])  # 15 s of PENDING (image pull)
    t = ecs.describe_tasks(tasks=[arn])["tasks"][0]
    assert t["lastStatus"] == "PENDING"
    # A --task-*-ms flag still overrides its one value of the profile.
    server2 = emulators(ephemeral=True, extra_args=["--timing", "realistic", "--task-pending-ms",
                                                    "0"])
    ecs2 = server2.client()
    fleet(server2, cluster="default", count=1)
    arn = ecs2.run_task(taskDefinition=register(ecs2, "real"))["tasks"][0]["taskArn"]
    assert timed_wait(ecs2, "tasks_running", tasks=[arn]) < FIRST_POLL_S

