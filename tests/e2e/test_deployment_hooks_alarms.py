"""AWS_LAMBDA lifecycle hooks (simulated functions scripted with /_emulator/hooks), deployment
alarms (simulated CloudWatch states set with /_emulator/alarms) and the circuit breaker, on
BLUE_GREEN and ROLLING deployments of the real binary, driven with boto3 (the newest botocore ECS
model on the machine) and the AWS CLI, the simulated clock frozen and advanced: never a sleep."""
import json

import pytest

from conftest import AwsCli
from svchelpers import admin, clock, describe, new_model_client
from test_blue_green import (CLUSTER, DESIRED, bg, counts, create, deployment,  # noqa: F401
                             register, traffic, update, update_with_hooks, wait_stable, walk)

LAMBDA = "arn:aws:lambda:us-east-1:000000000000:function:smoke-test"
ROLE = "arn:aws:iam::000000000000:role/ecsLambdaInvokeRole"


def lambda_hook(stage, **extra):
    return {"targetType": "AWS_LAMBDA", "hookTargetArn": LAMBDA, "roleArn": ROLE,
            "lifecycleStages": [stage], **extra}


def script(emu, **body):
    status, out = admin(emu, "hooks", body)
    assert status == 200, out


def set_alarm(emu, name, state):
    status, out = admin(emu, "alarms", {"alarmName": name, "state": state})
    assert status == 200, out


def get(emu, route):
    status, _, raw = emu.http("GET", f"/_emulator/{route}")
    assert status == 200, raw
    return json.loads(raw)


def invocations(emu, arn):
    return [i for i in get(emu, "hooks")["invocations"] if i["serviceDeploymentArn"] == arn]


def first_invocation(emu, arn, limit):
    """Advances the clock 1 ms at a time until the deployment's first hook invocation."""
    for _ in range(limit):
        if invocations(emu, arn):
            return
        clock(emu, "advance", by="1ms")


def advance_until(emu, client, arn, status, step="100ms", limit=600):
    for _ in range(limit):
        d = deployment(client, arn)
        if d["status"] == status:
            return d
        clock(emu, "advance", by=step)
    raise AssertionError(f"deployment never reached {status}: {deployment(client, arn)}")


def deployed_with(emu, client, **config):
    """A BLUE_GREEN service with `config` after its first deployment; that deployment's id."""
    svc = create(client, **config)
    _, d = walk(emu, client, svc["currentServiceDeployment"])
    assert d["status"] == "SUCCESSFUL", d
    return describe(client, CLUSTER, "web")["deployments"][0]["id"]


def test_a_failing_lambda_hook_rolls_the_deployment_back(bg):
    emu, client = bg
    blue = deployed_with(emu, client)
    script(emu, hookTargetArn="arn:aws:lambda:*:function:smoke-*", result="FAILED")
    arn, green = update_with_hooks(client, [lambda_hook("POST_SCALE_UP",
                                                        hookDetails={"suite": "smoke"})])
    seen, d = walk(emu, client, arn)
    assert [s[0] for s in seen][-1] == "POST_SCALE_UP" and d["status"] == "ROLLBACK_REQUESTED", d
    detail = d["lifecycleHookDetails"][0]
    assert detail["targetType"] == "AWS_LAMBDA" and detail["targetArn"] == LAMBDA
    assert detail["status"] == "FAILED", detail
    assert d["rollback"]["reason"] == "A lifecycle hook failed.", d
    calls = invocations(emu, arn)
    assert len(calls) == 1 and calls[0]["result"] == "FAILED", calls
    assert calls[0]["lifecycleStage"] == "POST_SCALE_UP" and calls[0]["hookTargetArn"] == LAMBDA
    payload = calls[0]["payload"]
    assert payload["hookDetails"] == {"suite": "smoke"}
    assert payload["targetServiceRevisionArn"].endswith("/" + green.split("/")[1])
    assert sorted(payload["productionTrafficWeights"].values()) == [0.0, 100.0], payload
    d = advance_until(emu, client, arn, "ROLLBACK_SUCCESSFUL")
    assert counts(client)[0] == {blue: DESIRED}
    wait_stable(emu)


def test_a_lambda_hook_in_progress_twice_then_succeeded_is_invoked_every_30_seconds(bg):
    emu, client = bg
    deployed_with(emu, client)
    script(emu, hookTargetArn=LAMBDA, result="SUCCEEDED", inProgressInvocations=2)
    arn, green = update_with_hooks(client, [lambda_hook("PRE_SCALE_UP")])
    first_invocation(emu, arn, limit=100)
    d = deployment(client, arn)
    assert d["lifecycleStage"] == "PRE_SCALE_UP" and d["status"] == "IN_PROGRESS", d
    assert d["lifecycleHookDetails"][0]["status"] == "IN_PROGRESS", d
    first = invocations(emu, arn)
    assert [c["result"] for c in first] == ["IN_PROGRESS"]
    # Up to 1 ms before the next invocation is due: not invoked, the stage holds.
    now = json.loads(emu.http("GET", "/_emulator/clock")[2])["now"]
    until_due = round((first[0]["invokedAt"] + 30 - now) * 1000)
    assert 0 < until_due <= 30000, until_due
    clock(emu, "advance", by=f"{until_due - 1}ms")
    assert len(invocations(emu, arn)) == 1
    assert deployment(client, arn)["lifecycleStage"] == "PRE_SCALE_UP"
    clock(emu, "advance", by="1ms")
    clock(emu, "advance", by="30s")
    calls = invocations(emu, arn)
    assert [c["result"] for c in calls] == ["IN_PROGRESS", "IN_PROGRESS", "SUCCEEDED"], calls
    times = [c["invokedAt"] for c in calls]
    assert [round(b - a, 3) for a, b in zip(times, times[1:])] == [30.0, 30.0], times
    assert all("hookDetails" not in c["payload"] for c in calls)
    assert deployment(client, arn)["lifecycleHookDetails"][0]["status"] == "SUCCEEDED"
    _, final = walk(emu, client, arn, bake_minutes=0)
    assert final["status"] == "SUCCESSFUL", final
    assert counts(client)[0] == {green: DESIRED}
    wait_stable(emu)


def test_lambda_hook_validation(bg, raw):
    emu, client = bg
    register(client, "nginx:1")
    deployed_with(emu, client)
    cases = [
        ({"hookTargetArn": LAMBDA, "lifecycleStages": ["POST_SCALE_UP"]}, "roleArn is required"),
        ({"roleArn": ROLE, "lifecycleStages": ["POST_SCALE_UP"]}, "hookTargetArn is required"),
        ({"hookTargetArn": "arn:aws:sns:us-east-1:000000000000:topic", "roleArn": ROLE,
          "lifecycleStages": ["POST_SCALE_UP"]}, "only Lambda function ARNs"),
        (lambda_hook("BAKE_TIME"), "cannot run at BAKE_TIME"),
        ({"targetType": "PAUSE", "lifecycleStages": ["TEST_TRAFFIC_SHIFT"]},
         "PAUSE lifecycle hook cannot run at TEST_TRAFFIC_SHIFT"),
        ({"targetType": "PAUSE", "lifecycleStages": ["PRODUCTION_TRAFFIC_SHIFT"]},
         "PAUSE lifecycle hook cannot run at PRODUCTION_TRAFFIC_SHIFT"),
    ]
    for hook, text in cases:
        body = {"cluster": CLUSTER, "service": "web", "deploymentConfiguration": {
            "strategy": "BLUE_GREEN", "bakeTimeInMinutes": 0, "lifecycleHooks": [hook]}}
        status, _, out = emu.raw("UpdateService", body)
        out = json.loads(out)
        assert status == 400 and out["__type"] == "InvalidParameterException", (hook, out)
        assert text in out["message"], (text, out)
    for body, text in [({"hookTargetArn": LAMBDA, "result": "MAYBE"}, "result must be"),
                       ({"result": "FAILED"}, "hookTargetArn is required"),
                       ({"hookTargetArn": LAMBDA, "inProgressInvocations": -1}, "between 0"),
                       ({"hookTargetArn": LAMBDA, "resutl": "FAILED"}, "'resutl'")]:
        status, out = admin(emu, "hooks", body)
        assert status == 400 and text in out["message"], (body, out)
    assert get(emu, "hooks")["scripts"] == []
    # The hook as configured is shown back (AWS_LAMBDA is the model's default targetType).
    svc = client.update_service(cluster=CLUSTER, service="web", deploymentConfiguration={
        "strategy": "BLUE_GREEN", "bakeTimeInMinutes": 0,
        "lifecycleHooks": [{"hookTargetArn": LAMBDA, "roleArn": ROLE,
                            "lifecycleStages": ["TEST_TRAFFIC_SHIFT"]}]})["service"]
    assert svc["deploymentConfiguration"]["lifecycleHooks"] == [lambda_hook("TEST_TRAFFIC_SHIFT")]


ALARMS = {"alarmNames": ["high-5xx", "p99-latency"], "enable": True, "rollback": True}


def test_an_alarm_in_alarm_during_bake_rolls_back(bg):
    emu, client = bg
    set_alarm(emu, "high-5xx", "OK")
    blue = deployed_with(emu, client, alarms=ALARMS)
    first = describe(client, CLUSTER, "web")["currentServiceDeployment"]
    assert deployment(client, first)["alarms"]["status"] == "MONITORING_COMPLETE"
    arn, green = update(client)
    walk(emu, client, arn, stop_at="BAKE_TIME")
    clock(emu, "advance", by="2m")
    d = deployment(client, arn)
    assert d["status"] == "IN_PROGRESS" and d["alarms"] == {
        "status": "MONITORING", "alarmNames": ["high-5xx", "p99-latency"]}, d
    set_alarm(emu, "p99-latency", "ALARM")
    assert {"alarmName": "p99-latency", "state": "ALARM"} in get(emu, "alarms")["alarms"]
    clock(emu, "advance", by="1ms")
    d = deployment(client, arn)
    # The rollback is requested at the first pass that sees the alarm. The reconciler may run
    # that pass before the advance (in real time, right after set_alarm), and then the advance's
    # millisecond is the 1 ms dwell that takes it on to ROLLBACK_IN_PROGRESS: both are right.
    assert d["status"] in ("ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS"), d
    assert d["alarms"] == {"status": "TRIGGERED", "alarmNames": ["high-5xx", "p99-latency"],
                           "triggeredAlarmNames": ["p99-latency"]}, d
    assert traffic(emu)["revisions"][0]["deploymentId"] == blue
    advance_until(emu, client, arn, "ROLLBACK_SUCCESSFUL")
    running, svc = counts(client)
    assert running == {blue: DESIRED}, running
    messages = [e["message"] for e in svc["events"]]
    assert f"(service web) (deployment {green}) deployment failed: alarm detected." in messages
    assert f"(service web) rolling back to deployment {blue}." in messages
    wait_stable(emu)


def test_alarms_fail_a_rolling_deployment(bg):
    emu, client = bg
    svc = client.create_service(
        cluster=CLUSTER, serviceName="roll", taskDefinition=register(client, "nginx:1"),
        desiredCount=DESIRED, deploymentConfiguration={"alarms": ALARMS})["service"]
    first = svc["currentServiceDeployment"]
    advance_until(emu, client, first, "SUCCESSFUL")
    assert deployment(client, first)["alarms"]["status"] == "MONITORING_COMPLETE"
    good = describe(client, CLUSTER, "roll")["deployments"][0]["id"]
    svc = client.update_service(cluster=CLUSTER, service="roll",
                                taskDefinition=register(client, "nginx:2"))["service"]
    arn, bad = svc["currentServiceDeployment"], svc["deployments"][0]["id"]
    set_alarm(emu, "high-5xx", "ALARM")
    clock(emu, "advance", by="1ms")
    d = deployment(client, arn)
    assert d["status"] in ("ROLLBACK_IN_PROGRESS", "ROLLBACK_SUCCESSFUL"), d
    assert d["alarms"]["triggeredAlarmNames"] == ["high-5xx"], d
    advance_until(emu, client, arn, "ROLLBACK_SUCCESSFUL")
    svc = describe(client, CLUSTER, "roll")
    assert [x["id"] for x in svc["deployments"]] == [good]
    assert f"(service roll) (deployment {bad}) deployment failed: alarm detected." in [
        e["message"] for e in svc["events"]]
    AwsCli(emu)("wait", "services-stable", "--cluster", CLUSTER, "--services", "roll")
    # Without rollback the deployment fails where it is: rolloutState FAILED, STOPPED.
    svc = client.update_service(cluster=CLUSTER, service="roll",
                                taskDefinition=register(client, "nginx:3"),
                                deploymentConfiguration={"alarms": {**ALARMS,
                                                                    "rollback": False}})["service"]
    arn = svc["currentServiceDeployment"]
    clock(emu, "advance", by="1ms")
    d = deployment(client, arn)
    assert d["status"] == "STOPPED" and d["alarms"]["status"] == "TRIGGERED", d
    primary = describe(client, CLUSTER, "roll")["deployments"][0]
    assert primary["rolloutState"] == "FAILED", primary
    # Enabled alarms name at least one alarm.
    status, _, out = emu.raw("UpdateService", {"cluster": CLUSTER, "service": "roll",
                                               "deploymentConfiguration": {"alarms": {
                                                   "alarmNames": [], "enable": True,
                                                   "rollback": True}}})
    assert status == 400 and "alarmNames" in json.loads(out)["message"], out
    for body in [{"alarmName": "x", "state": "RED"}, {"state": "OK"}]:
        status, out = admin(emu, "alarms", body)
        assert status == 400, out


def test_the_circuit_breaker_rolls_back_a_blue_green_deployment(bg):
    emu, client = bg
    breaker = {"enable": True, "rollback": True}
    blue = deployed_with(emu, client, deploymentCircuitBreaker=breaker)
    status, out = admin(emu, "task-behaviors", {"match": {"image": "nginx:bad"},
                                                "failToStart": "CannotPullContainerError: nope"})
    assert status == 201, out
    svc = client.update_service(cluster=CLUSTER, service="web",
                                taskDefinition=register(client, "nginx:bad"))["service"]
    arn, green = svc["currentServiceDeployment"], svc["deployments"][0]["id"]
    d = advance_until(emu, client, arn, "ROLLBACK_SUCCESSFUL", limit=1200)
    assert d["deploymentCircuitBreaker"]["status"] == "TRIGGERED", d
    assert d["deploymentCircuitBreaker"]["failureCount"] >= 3, d
    assert d["lifecycleStage"] == "SCALE_UP", d  # green never became healthy
    running, svc = counts(client)
    assert running == {blue: DESIRED}, running
    assert svc["taskDefinition"].endswith("web:1"), svc["taskDefinition"]
    messages = [e["message"] for e in svc["events"]]
    assert f"(service web) (deployment {green}) deployment failed: tasks failed to start." in messages
    split = traffic(emu)["revisions"]
    assert split[0]["deploymentId"] == blue and split[0]["productionTrafficWeight"] == 100.0
    wait_stable(emu)


def test_a_lambda_hook_in_progress_survives_kill_9(bg):
    """The hook run keeps its script and its invocations: after a crash it goes on with the same
    answers, though the scripts themselves (kept in memory) are gone."""
    emu, client = bg
    deployed_with(emu, client)
    script(emu, hookTargetArn=LAMBDA, result="SUCCEEDED", inProgressInvocations=2)
    arn, green = update_with_hooks(client, [lambda_hook("POST_SCALE_UP")])
    first_invocation(emu, arn, limit=3000)
    assert [c["result"] for c in invocations(emu, arn)] == ["IN_PROGRESS"]
    emu.kill9()
    emu.start()
    client = new_model_client(emu)
    clock(emu, "freeze")
    assert get(emu, "hooks")["scripts"] == []
    d = deployment(client, arn)
    assert d["lifecycleStage"] == "POST_SCALE_UP" and d["status"] == "IN_PROGRESS", d
    assert d["lifecycleHookDetails"][0]["status"] == "IN_PROGRESS", d
    # The clock restarts from real time, behind the frozen one: 2 x 30 s more and then some.
    for _ in range(20):
        if len(invocations(emu, arn)) == 3:
            break
        clock(emu, "advance", by="30s")
    assert [c["result"] for c in invocations(emu, arn)] == ["IN_PROGRESS", "IN_PROGRESS",
                                                            "SUCCEEDED"]
    _, final = walk(emu, client, arn, bake_minutes=0)
    assert final["status"] == "SUCCESSFUL", final
    assert counts(client)[0] == {green: DESIRED}
    wait_stable(emu)
