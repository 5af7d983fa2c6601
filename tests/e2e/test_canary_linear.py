"""Native CANARY and LINEAR deployments (issue #13) on the real binary, driven with boto3 (a client
on the newest botocore ECS model on the machine) and the AWS CLI, with the simulated clock frozen
and advanced through /_emulator/clock: production traffic observed step by step in the traffic
route and in DescribeServiceDeployments (canary 10 % -> 100 % with its bake, linear 25 % x 4 with
its step bakes), blue and green task counts at each step, a rollback mid-shift, the traffic step
and its start surviving kill -9, and ECS's validation of both configurations. The stage walk is
BLUE_GREEN's (tests/e2e/test_blue_green.py); only PRODUCTION_TRAFFIC_SHIFT differs."""
import json

import pytest

from svchelpers import clock, describe, new_model_client
from test_blue_green import (CLUSTER, DESIRED, STAGES, TG_BLUE, bg, counts, deployment,  # noqa: F401
                             load_balancers, register, traffic, update, wait_stable)
from test_deployment_hooks_alarms import LAMBDA, invocations, lambda_hook, script

SHIFT = "PRODUCTION_TRAFFIC_SHIFT"


@pytest.fixture
def env(bg):  # noqa: F811 - the blue/green tests' fixture: a frozen clock and a 2-instance fleet
    return bg


def green_weight(d):
    return d["targetServiceRevision"].get("requestedProductionTrafficWeight")


def walk(emu, client, arn, hold_minutes, bake_minutes, stop_at_weight=None):
    """Advance the clock a millisecond at a time; in PRODUCTION_TRAFFIC_SHIFT each hold and in
    BAKE_TIME the bake in one jump (checking that nothing moves a second before it ends).
    Returns the stages in order, every production step seen as (green weight, deployment, running
    tasks per deployment, traffic route), and the final deployment."""
    stages, steps, held = [], [], set()
    for _ in range(3000):
        d = deployment(client, arn)
        stage = d.get("lifecycleStage")
        if not stages or stages[-1] != stage:
            stages.append(stage)
        weight = green_weight(d) if stage == SHIFT else None
        if weight is not None and (not steps or steps[-1][0] != weight):
            steps.append((weight, d, counts(client)[0], traffic(emu)))
            if weight == stop_at_weight:
                return stages, steps, d
        if d["status"] not in ("PENDING", "IN_PROGRESS"):
            return stages, steps, d
        if weight is not None and weight < 100 and weight not in held and hold_minutes > 0:
            held.add(weight)
            clock(emu, "advance", by=f"{hold_minutes * 60 - 1}s")
            assert green_weight(deployment(client, arn)) == weight  # still holding
            clock(emu, "advance", by="1s")
        elif stage == "BAKE_TIME" and bake_minutes > 0 and "BAKE_TIME" not in held:
            held.add("BAKE_TIME")
            clock(emu, "advance", by=f"{bake_minutes * 60 - 1}s")
            assert deployment(client, arn)["lifecycleStage"] == "BAKE_TIME"
            clock(emu, "advance", by="1s")
        else:
            clock(emu, "advance", by="1ms")
    raise AssertionError(f"deployment did not finish: {stages[-1]}")


def create(client, config):
    return client.create_service(cluster=CLUSTER, serviceName="web",
                                 taskDefinition=register(client, "nginx:1"),
                                 desiredCount=DESIRED, loadBalancers=load_balancers(),
                                 deploymentConfiguration=config)["service"]


def deployed(emu, client, config, hold_minutes):
    """The service after its first deployment finished; its deployment id."""
    svc = create(client, config)
    _, _, d = walk(emu, client, svc["currentServiceDeployment"], hold_minutes,
                   config.get("bakeTimeInMinutes", 0))
    assert d["status"] == "SUCCESSFUL", d
    return describe(client, CLUSTER, "web")["deployments"][0]["id"]


def check_steps(steps, blue, green, expected):
    """Each step's weights agree in the traffic route and DescribeServiceDeployments, blue gets
    the rest, and both revisions run at full size while traffic moves."""
    assert [s[0] for s in steps] == expected, [s[0] for s in steps]
    for weight, d, running, split in steps:
        weights = {r["deploymentId"]: (r["productionTrafficWeight"], r["testTrafficWeight"])
                   for r in split["revisions"]}
        assert split["lifecycleStage"] == SHIFT, split
        assert weights[green] == (weight, 100.0), (weight, split)
        assert weights[blue] == (100.0 - weight, 0.0), (weight, split)
        assert d["targetServiceRevision"]["requestedTestTrafficWeight"] == 100.0
        source = d["sourceServiceRevisions"][0]
        assert source["requestedProductionTrafficWeight"] == 100.0 - weight, (weight, d)
        assert running == {blue: DESIRED, green: DESIRED}, (weight, running)


CANARY = {"strategy": "CANARY", "bakeTimeInMinutes": 2,
          "canaryConfiguration": {"canaryPercent": 10.0, "canaryBakeTimeInMinutes": 3}}
LINEAR = {"strategy": "LINEAR", "bakeTimeInMinutes": 2,
          "linearConfiguration": {"stepPercent": 25.0, "stepBakeTimeInMinutes": 4}}


def test_canary_ten_percent_then_the_rest_after_its_bake(env):
    emu, client = env
    blue = deployed(emu, client, CANARY, hold_minutes=3)
    svc = describe(client, CLUSTER, "web")
    assert svc["deploymentConfiguration"]["strategy"] == "CANARY"
    assert svc["deploymentConfiguration"]["canaryConfiguration"] == CANARY["canaryConfiguration"]
    arn, green = update(client)
    config = deployment(client, arn)["deploymentConfiguration"]
    assert config["strategy"] == "CANARY" and config["bakeTimeInMinutes"] == 2
    assert config["canaryConfiguration"] == CANARY["canaryConfiguration"]
    stages, steps, final = walk(emu, client, arn, hold_minutes=3, bake_minutes=2)
    assert stages == STAGES
    check_steps(steps, blue, green, [10.0, 100.0])
    assert final["status"] == "SUCCESSFUL", final
    assert counts(client)[0] == {green: DESIRED}
    assert [(r["deploymentId"], r["productionTrafficWeight"]) for r in traffic(emu)["revisions"]] \
        == [(green, 100.0)]
    wait_stable(emu)


def test_linear_four_steps_of_25_with_step_bakes(env):
    emu, client = env
    blue = deployed(emu, client, LINEAR, hold_minutes=4)
    arn, green = update(client)
    config = deployment(client, arn)["deploymentConfiguration"]
    assert config["strategy"] == "LINEAR"
    assert config["linearConfiguration"] == LINEAR["linearConfiguration"]
    stages, steps, final = walk(emu, client, arn, hold_minutes=4, bake_minutes=2)
    assert stages == STAGES
    check_steps(steps, blue, green, [25.0, 50.0, 75.0, 100.0])
    assert final["status"] == "SUCCESSFUL", final
    assert counts(client)[0] == {green: DESIRED}
    wait_stable(emu)


def test_linear_rollback_mid_shift_returns_traffic_to_blue(env):
    emu, client = env
    blue = deployed(emu, client, LINEAR, hold_minutes=4)
    arn, green = update(client)
    _, steps, d = walk(emu, client, arn, hold_minutes=4, bake_minutes=2, stop_at_weight=50.0)
    assert d["lifecycleStage"] == SHIFT and green_weight(d) == 50.0
    client.stop_service_deployment(serviceDeploymentArn=arn, stopType="ROLLBACK")
    split = traffic(emu)
    assert [(r["deploymentId"], r["productionTrafficWeight"]) for r in split["revisions"]] == [
        (blue, 100.0), (green, 0.0)], split
    assert deployment(client, arn)["status"] == "ROLLBACK_REQUESTED"
    for _ in range(200):
        if deployment(client, arn)["status"] == "ROLLBACK_SUCCESSFUL":
            break
        clock(emu, "advance", by="100ms")
    d = deployment(client, arn)
    assert d["status"] == "ROLLBACK_SUCCESSFUL", d
    assert counts(client)[0] == {blue: DESIRED}
    wait_stable(emu)


def test_a_lambda_hook_at_production_traffic_shift_runs_at_every_step(env):
    """ECS invokes PRODUCTION_TRAFFIC_SHIFT hooks at every canary or linear step, and the next
    step waits for them: here each step's function answers IN_PROGRESS for 10 minutes (20
    invocations 30 s apart), longer than the 4-minute step bake."""
    emu, client = env
    blue = deployed(emu, client, LINEAR, hold_minutes=4)
    script(emu, hookTargetArn=LAMBDA, result="SUCCEEDED", inProgressInvocations=20)
    svc = client.update_service(
        cluster=CLUSTER, service="web", taskDefinition=register(client, "nginx:2"),
        deploymentConfiguration={**LINEAR, "lifecycleHooks": [lambda_hook(SHIFT)]})["service"]
    arn, green = svc["currentServiceDeployment"], svc["deployments"][0]["id"]
    walk(emu, client, arn, hold_minutes=0, bake_minutes=2, stop_at_weight=25.0)
    clock(emu, "advance", by="9m")  # past the step bake, but the hook is still in progress
    d = deployment(client, arn)
    assert d["lifecycleStage"] == SHIFT and green_weight(d) == 25.0, d
    assert [h["status"] for h in d["lifecycleHookDetails"]] == ["IN_PROGRESS"], d
    assert {r["deploymentId"]: r["productionTrafficWeight"] for r in traffic(emu)["revisions"]} \
        == {blue: 75.0, green: 25.0}
    weights = [25.0]
    for _ in range(200):  # 30 s at a time through the remaining steps
        d = deployment(client, arn)
        if d["lifecycleStage"] != SHIFT:
            break
        if green_weight(d) != weights[-1]:
            weights.append(green_weight(d))
        clock(emu, "advance", by="30s")
    assert weights == [25.0, 50.0, 75.0, 100.0], weights
    _, _, final = walk(emu, client, arn, hold_minutes=0, bake_minutes=2)
    assert final["status"] == "SUCCESSFUL", final
    calls = [i for i in invocations(emu, arn) if i["lifecycleStage"] == SHIFT]
    # One run per step (25, 50, 75, 100 %), each invoked 21 times: 20 IN_PROGRESS, 1 SUCCEEDED.
    runs = {}
    for call in calls:
        runs.setdefault(call["hookId"], []).append(call)
    assert len(runs) == 4, [(k, len(v)) for k, v in runs.items()]
    target = final["targetServiceRevision"]["arn"]
    shares = [run[0]["payload"]["productionTrafficWeights"][target] for run in runs.values()]
    assert shares == [25.0, 50.0, 75.0, 100.0], shares
    for run in runs.values():
        assert [c["result"] for c in run] == ["IN_PROGRESS"] * 20 + ["SUCCEEDED"], run
        assert [round(b["invokedAt"] - a["invokedAt"], 3) for a, b in zip(run, run[1:])] \
            == [30.0] * 20
    assert [h["status"] for h in final["lifecycleHookDetails"]] == ["SUCCEEDED"] * 4, final
    wait_stable(emu)


def test_linear_step_and_its_start_survive_kill_9(env):
    emu, client = env
    deployed(emu, client, LINEAR, hold_minutes=4)
    arn, green = update(client)
    walk(emu, client, arn, hold_minutes=4, bake_minutes=2, stop_at_weight=50.0)
    clock(emu, "advance", by="1m")
    emu.kill9()
    emu.start()
    client = new_model_client(emu)
    clock(emu, "freeze")
    # The clock restarts from real time, behind the frozen one: the step that started "later"
    # holds (a lost start time, read as 0, would let the next step go at once).
    for _ in range(5):
        d = deployment(client, arn)
        assert d["lifecycleStage"] == SHIFT and green_weight(d) == 50.0, d
        clock(emu, "advance", by="1ms")
    assert counts(client)[0][green] == DESIRED
    # 30 minutes cover both remaining 4-minute steps: the advance stops at each step's instant.
    clock(emu, "advance", by="30m")
    assert green_weight(deployment(client, arn)) == 100.0
    _, _, final = walk(emu, client, arn, hold_minutes=4, bake_minutes=2)
    assert final["status"] == "SUCCESSFUL", final
    assert counts(client)[0] == {green: DESIRED}
    wait_stable(emu)


def test_canary_and_linear_validation(env):
    emu, client = env
    register(client, "nginx:1")

    def create_raw(config, lbs=None, name="v"):
        body = {"cluster": CLUSTER, "serviceName": name, "taskDefinition": "web",
                "desiredCount": 1, "loadBalancers": load_balancers() if lbs is None else lbs,
                "deploymentConfiguration": config}
        status, _, out = emu.raw("CreateService", body)
        return status, json.loads(out)

    canary = "deploymentConfiguration.canaryConfiguration"
    linear = "deploymentConfiguration.linearConfiguration"
    cases = [
        ({"strategy": "CANARY", "canaryConfiguration": {"canaryPercent": 0.05}},
         f"{canary}.canaryPercent must be a multiple of 0.1 from 0.1 to 100.0."),
        ({"strategy": "CANARY", "canaryConfiguration": {"canaryPercent": 100.1}},
         f"{canary}.canaryPercent must be"),
        ({"strategy": "CANARY", "canaryConfiguration": {"canaryPercent": 10.05}},
         f"{canary}.canaryPercent must be"),
        ({"strategy": "CANARY", "canaryConfiguration": {"canaryBakeTimeInMinutes": 1441}},
         f"{canary}.canaryBakeTimeInMinutes must be between 0 and 1440."),
        ({"strategy": "CANARY", "canaryConfiguration": {"canaryBakeTimeInMinutes": -1}},
         f"{canary}.canaryBakeTimeInMinutes must be between 0 and 1440."),
        ({"strategy": "LINEAR", "linearConfiguration": {"stepPercent": 2.9}},
         f"{linear}.stepPercent must be a multiple of 0.1 from 3.0 to 100.0."),
        ({"strategy": "LINEAR", "linearConfiguration": {"stepPercent": 100.5}},
         f"{linear}.stepPercent must be"),
        ({"strategy": "LINEAR", "linearConfiguration": {"stepBakeTimeInMinutes": 1441}},
         f"{linear}.stepBakeTimeInMinutes must be between 0 and 1440."),
        ({"strategy": "LINEAR", "canaryConfiguration": {"canaryPercent": 10.0}},
         f"{canary} is only valid with the CANARY deployment strategy."),
        ({"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 1, "linearConfiguration": {}},
         f"{linear} is only valid with the LINEAR deployment strategy."),
        ({"strategy": "CANARY", "bakeTimeInMinutes": 1441}, "bakeTimeInMinutes must be between 0"),
    ]
    for config, text in cases:
        status, out = create_raw(config)
        assert status == 400 and out["__type"] == "InvalidParameterException", (config, out)
        assert text in out["message"], (text, out)
    no_advanced = [{k: v for k, v in load_balancers()[0].items() if k != "advancedConfiguration"}]
    for strategy in ("CANARY", "LINEAR"):
        status, out = create_raw({"strategy": strategy}, lbs=no_advanced)
        assert status == 400, out
        assert ("advancedConfiguration is required for each load balancer with the "
                f"{strategy} deployment strategy") in out["message"], out
        status, out = create_raw({"strategy": strategy},
                                 lbs=load_balancers(alternateTargetGroupArn=TG_BLUE))
        assert status == 400 and "must differ from the targetGroupArn" in out["message"], out
    assert client.describe_services(cluster=CLUSTER, services=["v"])["failures"][0]["reason"] == \
        "MISSING"

    # Shown back exactly as sent: members left out stay out (their defaults apply when a
    # deployment runs), and bakeTimeInMinutes is optional for LINEAR and CANARY.
    status, out = create_raw({"strategy": "CANARY", "canaryConfiguration": {"canaryPercent": 5.5}})
    assert status == 200, out
    config = out["service"]["deploymentConfiguration"]
    assert config["strategy"] == "CANARY" and "bakeTimeInMinutes" not in config
    assert config["canaryConfiguration"] == {"canaryPercent": 5.5}
    svc = describe(client, CLUSTER, "v")
    assert svc["deploymentConfiguration"]["canaryConfiguration"] == {"canaryPercent": 5.5}
    # A deployment shows what it runs with: the defaults filled in (canaryBakeTimeInMinutes 10).
    deployment_config = deployment(client, svc["currentServiceDeployment"])["deploymentConfiguration"]
    assert deployment_config["canaryConfiguration"] == {"canaryPercent": 5.5,
                                                        "canaryBakeTimeInMinutes": 10}
    assert deployment_config["bakeTimeInMinutes"] == 0
    # An invalid update changes nothing.
    status, _, body = emu.raw("UpdateService", {
        "cluster": CLUSTER, "service": "v", "desiredCount": 2,
        "deploymentConfiguration": {"canaryConfiguration": {"canaryPercent": 0}}})
    assert status == 400 and "canaryPercent" in json.loads(body)["message"], body
    svc = describe(client, CLUSTER, "v")
    assert svc["desiredCount"] == 1
    assert svc["deploymentConfiguration"]["canaryConfiguration"] == {"canaryPercent": 5.5}
    # Switching to LINEAR drops the canary configuration with the strategy.
    status, _, body = emu.raw("UpdateService", {
        "cluster": CLUSTER, "service": "v",
        "deploymentConfiguration": {"strategy": "LINEAR",
                                    "linearConfiguration": {"stepPercent": 33.3,
                                                            "stepBakeTimeInMinutes": 0}}})
    assert status == 200, body
    config = json.loads(body)["service"]["deploymentConfiguration"]
    assert "canaryConfiguration" not in config
    assert config["linearConfiguration"] == {"stepPercent": 33.3, "stepBakeTimeInMinutes": 0}
