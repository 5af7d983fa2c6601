"""Simulated load-balancer target health: each RUNNING task of a service with `loadBalancers` is
a target of its target group, visible at GET /_emulator/targets; deployments count a task only
once its target is healthy; a stopped task drains for the deregistration delay (DEACTIVATING)
before it stops; a target that fails its checks gets its task replaced after the grace period.
Driven with boto3 against the real binary; time moves through /_emulator/clock."""
import json
import time

import pytest
from botocore.exceptions import ClientError

from svchelpers import admin, clock, describe, fleet, service_tasks

TG = "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/0123456789abcdef"


def targets(server, **query):
    qs = "&".join(f"{k}={v}" for k, v in query.items())
    status, _, raw = server.http("GET", "/_emulator/targets" + (f"?{qs}" if qs else ""))
    assert status == 200, raw
    return json.loads(raw)["targets"]


def configure(server, group=TG, **settings):
    status, out = admin(server, f"targets/{group}", settings)
    assert status == 200, out
    return out


def web_definition(ecs, family="lbweb", **container):
    c = {"name": "app", "image": "nginx:latest", "memory": 64, "essential": True,
         "portMappings": [{"containerPort": 80}], **container}  # bridge: a dynamic host port
    return ecs.register_task_definition(family=family, containerDefinitions=[c])[
        "taskDefinition"]["taskDefinitionArn"]


def create(ecs, td, name="web", count=1, **kw):
    return ecs.create_service(cluster="lb", serviceName=name, taskDefinition=td,
                              desiredCount=count,
                              loadBalancers=[{"targetGroupArn": TG, "containerName": "app",
                                              "containerPort": 80}], **kw)["service"]


def advance(server, by):
    return clock(server, "advance", by=by)


def task_of(ecs, arn):
    return ecs.describe_tasks(cluster="lb", tasks=[arn])["tasks"][0]


def messages(ecs, name="web"):
    return [e["message"] for e in describe(ecs, "lb", name)["events"]]


# timing: the first poll is bounded in wall time, and "registered 2 targets" needs both tasks'
# steps in one reconciler slice, whose budget is 1 ms of wall time (server/reconciler_loop.cc):
# under ASan on a loaded runner a preempted slice split them into two events of 1.
@pytest.mark.timing
def test_instant_profile_targets_are_healthy_at_once_and_waiters_pass_first_poll(server, ecs):
    fleet(server, cluster="lb", count=1)
    td = web_definition(ecs)
    create(ecs, td, count=2)
    t0 = time.monotonic()
    ecs.get_waiter("services_stable").wait(cluster="lb", services=["web"])
    assert time.monotonic() - t0 < 1.0  # the first poll: its 15 s delay never ran
    svc = describe(ecs, "lb", "web")
    assert svc["loadBalancers"] == [{"targetGroupArn": TG, "containerName": "app",
                                     "containerPort": 80}]
    assert svc["deployments"][0]["rolloutState"] == "COMPLETED"
    got = targets(server)
    tasks = {t["taskArn"]: t for t in service_tasks(ecs, "lb", "web")}
    assert sorted(t["taskArn"] for t in got) == sorted(tasks)
    for t in got:
        task = tasks[t["taskArn"]]
        binding = task["containers"][0]["networkBindings"][0]
        assert t["state"] == "healthy" and t["reason"] == ""
        assert t["targetGroupArn"] == TG and t["cluster"] == "lb" and t["serviceName"] == "web"
        # A bridge task is an `instance` target: the EC2 instance and the dynamic host port.
        assert t["id"].startswith("i-") and t["port"] == binding["hostPort"] != 80
    # Two tasks registered at one instant: one event counts both, as ECS writes it.
    assert f"(service web) registered 2 targets in (target-group {TG})" in messages(ecs)
    assert targets(server, targetGroupArn="arn:other") == []
    assert len(targets(server, service="web", cluster="lb")) == 2
    server.reset()
    assert targets(server) == []


def test_awsvpc_targets_are_ip_targets(server, ecs):
    fleet(server, cluster="lb", count=1)
    td = ecs.register_task_definition(
        family="vpc", networkMode="awsvpc",
        containerDefinitions=[{"name": "app", "image": "nginx:latest", "memory": 64,
                               "portMappings": [{"containerPort": 8080}]}])[
        "taskDefinition"]["taskDefinitionArn"]
    ecs.create_service(cluster="lb", serviceName="web", taskDefinition=td, desiredCount=1,
                       networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-1"]}},
                       loadBalancers=[{"targetGroupArn": TG, "containerName": "app",
                                       "containerPort": 8080}])
    [t] = targets(server)
    [task] = service_tasks(ecs, "lb", "web")
    ip = [d["value"] for d in task["attachments"][0]["details"] if d["name"] == "privateIPv4Address"]
    assert (t["id"], t["port"], t["state"]) == (ip[0], 8080, "healthy")


@pytest.mark.parametrize("lb,message", [
    ({"targetGroupArn": TG, "containerName": "nope", "containerPort": 80},
     "The container nope does not exist in the task definition."),
    ({"targetGroupArn": TG, "containerName": "app", "containerPort": 81},
     "The container app did not have a container port 81 defined."),
])
def test_load_balancer_must_name_a_container_port_of_the_definition(server, ecs, lb, message):
    fleet(server, cluster="lb", count=1)
    td = web_definition(ecs)
    with pytest.raises(ClientError) as ei:
        ecs.create_service(cluster="lb", serviceName="web", taskDefinition=td, desiredCount=1,
                           loadBalancers=[lb])
    assert ei.value.response["Error"]["Code"] == "InvalidParameterException"
    assert ei.value.response["Error"]["Message"] == message
    assert ecs.list_services(cluster="lb")["serviceArns"] == []
    # A new revision without the port is refused for a service that targets it, too.
    create(ecs, td)
    bad = ecs.register_task_definition(family="lbweb", containerDefinitions=[
        {"name": "app", "image": "nginx:latest", "memory": 64}])["taskDefinition"]
    with pytest.raises(ClientError) as ei:
        ecs.update_service(cluster="lb", service="web", taskDefinition=bad["taskDefinitionArn"])
    assert ei.value.response["Error"]["Message"] == (
        "The container app did not have a container port 80 defined.")


def test_target_settings_are_validated_and_reported(server):
    assert configure(server, healthCheckIntervalSeconds=10, deregistrationDelaySeconds=20) == {
        "targetGroup": TG, "healthCheckIntervalSeconds": 10, "unhealthyThresholdCount": 2,
        "deregistrationDelaySeconds": 20}
    status, out = admin(server, f"targets/{TG}", {"healthyThresholdCount": 3})
    assert status == 400 and "no member 'healthyThresholdCount'" in out["message"]
    status, out = admin(server, f"targets/{TG}", {"unhealthyThresholdCount": 0})
    assert status == 400 and "unhealthyThresholdCount must be between 1 and 10" in out["message"]


def start_frozen(server, ecs, **service):
    """A frozen clock and one RUNNING task of a service behind TG: the task's ARN."""
    fleet(server, cluster="lb", count=1)
    td = web_definition(ecs, **service.pop("container", {}))
    clock(server, "freeze")
    create(ecs, td, **service)
    for _ in range(10):
        advance(server, "1ms")
    [task] = service_tasks(ecs, "lb", "web")
    assert task["lastStatus"] == "RUNNING"
    return task["taskArn"]


def test_deployment_completes_only_once_the_target_is_healthy(server, ecs):
    configure(server, healthCheckIntervalSeconds=10)
    arn = start_frozen(server, ecs)
    [t] = targets(server)
    assert (t["taskArn"], t["state"], t["reason"]) == (arn, "initial", "Elb.RegistrationInProgress")
    svc = describe(ecs, "lb", "web")
    assert svc["runningCount"] == 1  # RUNNING counts; available does not yet
    assert svc["deployments"][0]["rolloutState"] == "IN_PROGRESS"
    advance(server, "9s")
    assert targets(server)[0]["state"] == "initial"
    assert describe(ecs, "lb", "web")["deployments"][0]["rolloutState"] == "IN_PROGRESS"
    advance(server, "1s")  # the first check passes
    assert targets(server)[0]["state"] == "healthy"
    svc = describe(ecs, "lb", "web")
    assert svc["deployments"][0]["rolloutState"] == "COMPLETED"
    assert "(service web) has reached a steady state." in messages(ecs)


def test_a_stopped_task_drains_for_the_deregistration_delay(server, ecs):
    configure(server, deregistrationDelaySeconds=20)
    arn = start_frozen(server, ecs)
    ecs.update_service(cluster="lb", service="web", desiredCount=0)
    advance(server, "1ms")
    task = task_of(ecs, arn)
    assert (task["desiredStatus"], task["lastStatus"]) == ("STOPPED", "DEACTIVATING")
    [t] = targets(server)
    assert (t["state"], t["reason"]) == ("draining", "Target.DeregistrationInProgress")
    assert "(service web) has begun draining connections on 1 tasks." in messages(ecs)
    advance(server, "19s")
    assert task_of(ecs, arn)["lastStatus"] == "DEACTIVATING"
    advance(server, "1s")
    for _ in range(5):
        advance(server, "1ms")
    assert task_of(ecs, arn)["lastStatus"] == "STOPPED"
    assert targets(server) == []
    assert f"(service web) deregistered 1 targets in (target-group {TG})" in messages(ecs)


def test_an_unhealthy_target_is_replaced_after_the_grace_period(server, ecs):
    configure(server, healthCheckIntervalSeconds=10, unhealthyThresholdCount=2)
    # The container fails the load balancer's checks 5 s after it starts (a behaviour; it has
    # no container health check, so only the load balancer sees it): checks at 10 s and 20 s
    # fail, so the target is unhealthy from 20 s on.
    status, out = admin(server, "task-behaviors", {"match": {"family": "lbweb"},
                                                   "unhealthyAfter": "5s"})
    assert status == 201, out
    arn = start_frozen(server, ecs, healthCheckGracePeriodSeconds=60)
    advance(server, "30s")
    [t] = targets(server)
    assert (t["state"], t["reason"]) == ("unhealthy", "Target.FailedHealthChecks")
    task = task_of(ecs, arn)
    assert (task["desiredStatus"], task["lastStatus"]) == ("RUNNING", "RUNNING")  # grace period
    advance(server, "31s")
    for _ in range(5):
        advance(server, "1ms")
    task = task_of(ecs, arn)
    assert task["desiredStatus"] == "STOPPED"
    assert task["stopCode"] == "ServiceSchedulerInitiated"
    assert task["stoppedReason"] == f"Task failed ELB health checks in (target-group {TG})"
    events = messages(ecs)
    assert any(m.startswith(f"(service web) (task {arn.rsplit('/', 1)[1]}) (port 80) is unhealthy"
                            f" in (target-group {TG})") for m in events), events
    replacement = [t for t in service_tasks(ecs, "lb", "web") if t["taskArn"] != arn]
    assert len(replacement) == 1


def test_targets_survive_a_restart(emulators):
    emu = emulators()
    ecs = emu.client()
    fleet(emu, cluster="lb", count=1)
    create(ecs, web_definition(ecs))
    before = targets(emu)
    assert [t["state"] for t in before] == ["healthy"]
    emu.restart()
    assert targets(emu) == before
    assert describe(emu.client(), "lb", "web")["loadBalancers"] == [
        {"targetGroupArn": TG, "containerName": "app", "containerPort": 80}]
