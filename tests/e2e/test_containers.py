"""The simulated data plane, scripted in-band through the `ecs-emulator.*` dockerLabels: one-off
tasks that exit with a code, containers that fail to start, health checks that pass or fail,
essential and non-essential exits, per-container status, and runtimeId forms. Driven by boto3
and the AWS CLI v2 against the real binary.

Health checks run on the simulated clock: the tests that wait for one advance it on their own
`--ephemeral` server instead of sleeping."""
import re

import pytest
from botocore.exceptions import ClientError

from conftest import error_code, error_message
from svchelpers import describe, fleet, service_tasks, wait_rolled_back, wait_stable, wait_until
from taskhelpers import clock


def register(ecs, family, *containers, **extra):
    defs = []
    for c in containers:
        d = {"image": "nginx:latest", "memory": 64, "essential": True, **c}
        defs.append(d)
    return ecs.register_task_definition(family=family, containerDefinitions=defs, **extra)[
        "taskDefinition"]["taskDefinitionArn"]


def run_one(ecs, cluster, td):
    out = ecs.run_task(cluster=cluster, taskDefinition=td)
    assert out["failures"] == [], out["failures"]
    return out["tasks"][0]["taskArn"]


def task(ecs, cluster, arn):
    return ecs.describe_tasks(cluster=cluster, tasks=[arn])["tasks"][0]


def container(t, name):
    return next(c for c in t["containers"] if c["name"] == name)


def test_one_off_task_exits_0_and_the_cli_waiter_returns(server, ecs, aws):
    ecs.create_cluster(clusterName="jobs")
    fleet(server, cluster="jobs", count=1)
    td = register(ecs, "migrate", {"name": "migrate", "dockerLabels": {"ecs-emulator.exit-code": "0"}})
    arn = run_one(ecs, "jobs", td)
    aws("wait", "tasks-stopped", "--cluster", "jobs", "--tasks", arn)
    t = task(ecs, "jobs", arn)
    assert t["lastStatus"] == "STOPPED"
    assert t["stopCode"] == "EssentialContainerExited"
    assert t["stoppedReason"] == "Essential container in task exited"
    c = container(t, "migrate")
    assert c["lastStatus"] == "STOPPED" and c["exitCode"] == 0
    # It ran: the task reached RUNNING first and the container got an EC2-form runtime id.
    assert "startedAt" in t
    assert re.fullmatch(r"[0-9a-f]{64}", c["runtimeId"]), c["runtimeId"]


def test_failing_job_and_non_essential_sidecar(server, ecs):
    ecs.create_cluster(clusterName="jobs2")
    fleet(server, cluster="jobs2", count=1)
    td = register(ecs, "jobs2",
                  {"name": "main"},
                  {"name": "sidecar", "essential": False,
                   "dockerLabels": {"ecs-emulator.exit-code": "2", "ecs-emulator.exit-after": "300ms"}})
    arn = run_one(ecs, "jobs2", td)

    def sidecar_exited():
        t = task(ecs, "jobs2", arn)
        return t if container(t, "sidecar")["lastStatus"] == "STOPPED" else None

    t = wait_until(sidecar_exited, timeout=10, what="sidecar exit")
    # A non-essential container's exit does not stop the task.
    assert t["lastStatus"] == "RUNNING" and t["desiredStatus"] == "RUNNING"
    assert container(t, "sidecar")["exitCode"] == 2
    assert container(t, "main")["lastStatus"] == "RUNNING"
    assert "exitCode" not in container(t, "main")


def test_fail_to_start_reports_the_reason_on_the_container_and_the_task(server, ecs):
    ecs.create_cluster(clusterName="pull")
    fleet(server, cluster="pull", count=1)
    reason = "CannotPullContainerError: pull access denied for repo/app"
    td = register(ecs, "pull", {"name": "app", "dockerLabels": {"ecs-emulator.fail-to-start": reason}})
    arn = run_one(ecs, "pull", td)
    ecs.get_waiter("tasks_stopped").wait(cluster="pull", tasks=[arn], WaiterConfig={"Delay": 1})
    t = task(ecs, "pull", arn)
    assert t["stopCode"] == "TaskFailedToStart"
    assert t["stoppedReason"] == reason
    c = container(t, "app")
    assert c["lastStatus"] == "STOPPED" and c["reason"] == reason
    assert "exitCode" not in c and "startedAt" not in t


def test_bad_label_is_rejected_and_registers_nothing(ecs):
    with pytest.raises(ClientError) as ei:
        register(ecs, "bad", {"name": "app", "dockerLabels": {"ecs-emulator.exit-code": "300"}})
    assert error_code(ei) == "ClientException"
    assert "'ecs-emulator.exit-code' must be an integer from 0 to 255." in error_message(ei)
    with pytest.raises(ClientError) as ei:
        register(ecs, "bad", {"name": "app", "dockerLabels": {"ecs-emulator.health": "UNHEALTHY"}})
    assert "needs a healthCheck" in error_message(ei)
    assert ecs.list_task_definitions(familyPrefix="bad")["taskDefinitionArns"] == []


HEALTH = {"command": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"], "interval": 5, "retries": 2}


def test_health_check_passes_on_the_simulated_clock(ephemeral_server):
    server = ephemeral_server
    ecs = server.client()
    ecs.create_cluster(clusterName="h")
    fleet(server, cluster="h", count=1)
    td = register(ecs, "h", {"name": "app", "healthCheck": HEALTH},
                  {"name": "log", "essential": False})
    arn = run_one(ecs, "h", td)
    ecs.get_waiter("tasks_running").wait(cluster="h", tasks=[arn], WaiterConfig={"Delay": 1})
    t = task(ecs, "h", arn)
    assert t["healthStatus"] == "UNKNOWN" and container(t, "app")["healthStatus"] == "UNKNOWN"
    clock(server, "advance", by="5s")  # the first check, `interval` after the start
    t = task(ecs, "h", arn)
    assert container(t, "app")["healthStatus"] == "HEALTHY"
    assert container(t, "log")["healthStatus"] == "UNKNOWN"  # no health check
    assert t["healthStatus"] == "HEALTHY"


def test_scripted_unhealthy_container(ephemeral_server):
    server = ephemeral_server
    ecs = server.client()
    ecs.create_cluster(clusterName="u")
    fleet(server, cluster="u", count=1)
    td = register(ecs, "u", {"name": "app", "healthCheck": HEALTH,
                             "dockerLabels": {"ecs-emulator.health": "UNHEALTHY"}})
    arn = run_one(ecs, "u", td)
    ecs.get_waiter("tasks_running").wait(cluster="u", tasks=[arn], WaiterConfig={"Delay": 1})
    clock(server, "advance", by="5s")
    assert task(ecs, "u", arn)["healthStatus"] == "UNKNOWN"  # one failure of retries=2
    clock(server, "advance", by="5s")
    t = task(ecs, "u", arn)
    assert t["healthStatus"] == "UNHEALTHY" and container(t, "app")["healthStatus"] == "UNHEALTHY"


def test_depends_on_orders_the_start_and_running_waits_for_it(ephemeral_server):
    server = ephemeral_server
    ecs = server.client()
    ecs.create_cluster(clusterName="d")
    fleet(server, cluster="d", count=1)
    td = register(ecs, "d",
                  {"name": "db", "healthCheck": HEALTH},
                  {"name": "app", "dependsOn": [{"containerName": "db", "condition": "HEALTHY"}]})
    arn = run_one(ecs, "d", td)
    t = wait_until(lambda: (lambda t: t if container(t, "db")["lastStatus"] == "RUNNING" else None)(
        task(ecs, "d", arn)), timeout=10, what="db running")
    # app waits for db to be HEALTHY, so the task is not RUNNING yet.
    assert t["lastStatus"] == "PENDING" and container(t, "app")["lastStatus"] == "PENDING"
    clock(server, "advance", by="5s")
    t = task(ecs, "d", arn)
    assert t["lastStatus"] == "RUNNING"
    assert container(t, "app")["lastStatus"] == "RUNNING"


def test_labels_only_crash_loop_is_replaced_with_ecs_events(server, ecs):
    ecs.create_cluster(clusterName="loop")
    fleet(server, cluster="loop", count=2)
    td = register(ecs, "loop", {"name": "app", "dockerLabels": {"ecs-emulator.exit-code": "1",
                                                                "ecs-emulator.exit-after": "200ms"}})
    ecs.create_service(cluster="loop", serviceName="crash", taskDefinition=td, desiredCount=1)

    def crashed_twice():
        stopped = [t for t in service_tasks(ecs, "loop", "crash", desired="STOPPED")
                   if t["lastStatus"] == "STOPPED"]
        return stopped if len(stopped) >= 2 else None

    stopped = wait_until(crashed_twice, timeout=15, what="two crashes")
    for t in stopped:
        assert t["stopCode"] == "EssentialContainerExited"
        assert t["stoppedReason"] == "Essential container in task exited"
        assert container(t, "app")["exitCode"] == 1
    messages = [e["message"] for e in describe(ecs, "loop", "crash")["events"]]
    assert any(m.startswith("(service crash) has started 1 tasks:") for m in messages), messages


def test_circuit_breaker_rolls_back_a_revision_labelled_to_fail(server, ecs):
    ecs.create_cluster(clusterName="cbl")
    fleet(server, cluster="cbl", count=3)
    good = register(ecs, "cbl", {"name": "app"})
    ecs.create_service(cluster="cbl", serviceName="app", taskDefinition=good, desiredCount=2,
                       deploymentConfiguration={
                           "deploymentCircuitBreaker": {"enable": True, "rollback": True}})
    good_id = wait_stable(ecs, "cbl", "app")["deployments"][0]["id"]
    bad = register(ecs, "cbl", {"name": "app", "image": "repo/app:bad",
                                "dockerLabels": {"ecs-emulator.fail-to-start":
                                                 "CannotPullContainerError: pull access denied"}})
    ecs.update_service(cluster="cbl", service="app", taskDefinition=bad)

    svc = wait_rolled_back(ecs, "cbl", "app", good_id, running=2, timeout=20)
    assert svc["taskDefinition"] == good
    assert f"(service app) rolling back to deployment {good_id}." in [e["message"] for e in svc["events"]]
    failed = [t for t in service_tasks(ecs, "cbl", "app", desired="STOPPED") if t["taskDefinitionArn"] == bad]
    assert failed and all(t["stopCode"] == "TaskFailedToStart" for t in failed)
    assert all(container(t, "app")["reason"] == "CannotPullContainerError: pull access denied" for t in failed)


def test_fargate_runtime_id_form(server, ecs):
    ecs.create_cluster(clusterName="fg")
    td = ecs.register_task_definition(
        family="fgr", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
        containerDefinitions=[{"name": "app", "image": "nginx"}])["taskDefinition"]["taskDefinitionArn"]
    arn = ecs.run_task(cluster="fg", taskDefinition=td, launchType="FARGATE", networkConfiguration={
        "awsvpcConfiguration": {"subnets": ["subnet-1"]}})["tasks"][0]["taskArn"]
    ecs.get_waiter("tasks_running").wait(cluster="fg", tasks=[arn], WaiterConfig={"Delay": 1})
    task_id = arn.rsplit("/", 1)[1]
    assert re.fullmatch(task_id + r"-\d{1,10}", container(task(ecs, "fg", arn), "app")["runtimeId"])


def test_deployment_waits_for_health_then_is_stable(ephemeral_server):
    server = ephemeral_server
    ecs = server.client()
    ecs.create_cluster(clusterName="hs")
    fleet(server, cluster="hs", count=2)
    td = register(ecs, "hs", {"name": "app", "healthCheck": HEALTH})
    ecs.create_service(cluster="hs", serviceName="web", taskDefinition=td, desiredCount=2)
    svc = wait_until(lambda: (lambda s: s if s["runningCount"] == 2 else None)(describe(ecs, "hs", "web")),
                     timeout=10, what="two running tasks")
    # RUNNING but not yet HEALTHY: the deployment is not done.
    assert svc["deployments"][0]["rolloutState"] == "IN_PROGRESS"
    clock(server, "advance", by="5s")
    svc = wait_stable(ecs, "hs", "web")
    assert svc["deployments"][0]["rolloutState"] == "COMPLETED"
    tasks = service_tasks(ecs, "hs", "web")
    assert [t["healthStatus"] for t in tasks] == ["HEALTHY", "HEALTHY"]


def test_unhealthy_service_task_is_replaced_after_the_grace_period(ephemeral_server):
    server = ephemeral_server
    ecs = server.client()
    ecs.create_cluster(clusterName="uh")
    fleet(server, cluster="uh", count=2)
    td = register(ecs, "uh", {"name": "app", "healthCheck": HEALTH,
                              "dockerLabels": {"ecs-emulator.health": "UNHEALTHY"}})
    ecs.create_service(cluster="uh", serviceName="web", taskDefinition=td, desiredCount=1,
                       healthCheckGracePeriodSeconds=30)
    first = wait_until(lambda: (lambda ts: ts[0] if ts and ts[0]["lastStatus"] == "RUNNING" else None)(
        service_tasks(ecs, "uh", "web")), timeout=10, what="a running task")
    clock(server, "advance", by="10s")  # two failed checks: UNHEALTHY, but inside the grace
    t = task(ecs, "uh", first["taskArn"])
    assert t["healthStatus"] == "UNHEALTHY" and t["desiredStatus"] == "RUNNING"
    clock(server, "advance", by="20s")  # the grace period is over
    t = task(ecs, "uh", first["taskArn"])
    assert t["desiredStatus"] == "STOPPED"
    assert t["stopCode"] == "ServiceSchedulerInitiated"
    assert t["stoppedReason"] == "Task failed container health checks"
    task_id = first["taskArn"].rsplit("/", 1)[1]
    messages = [e["message"] for e in describe(ecs, "uh", "web")["events"]]
    assert f"(service web) (task {task_id}) failed container health checks." in messages


def test_scripted_exit_survives_a_crash_and_restart(emulators):
    emu = emulators()
    ecs = emu.client()
    ecs.create_cluster(clusterName="r")
    fleet(emu, cluster="r", count=1)
    td = register(ecs, "r", {"name": "job", "dockerLabels": {"ecs-emulator.exit-code": "7",
                                                             "ecs-emulator.exit-after": "2s"}})
    arn = run_one(ecs, "r", td)
    ecs.get_waiter("tasks_running").wait(cluster="r", tasks=[arn], WaiterConfig={"Delay": 1})
    emu.kill9()
    emu.start()
    ecs = emu.client()
    t = wait_until(lambda: (lambda t: t if t["lastStatus"] == "STOPPED" else None)(task(ecs, "r", arn)),
                   timeout=15, what="the scripted exit after the restart")
    assert container(t, "job")["exitCode"] == 7
    assert t["stopCode"] == "EssentialContainerExited"
