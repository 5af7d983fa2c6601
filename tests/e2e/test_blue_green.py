"""Native BLUE_GREEN deployments (issue #13) on the real binary, driven with boto3 (a client on the
newest botocore ECS model found on the machine: Debian's predates these members) and the AWS CLI,
with the simulated clock frozen and advanced through /_emulator/clock: every lifecycle stage
observed in turn, blue and green task counts and the simulated traffic at each, a 5-minute bake,
rollback with StopServiceDeployment from several stages, persistence across kill -9, and ECS's
validation of the members blue/green needs."""
import json

import pytest

from conftest import AwsCli
from svchelpers import clock, describe, fleet, new_model_client

ACCOUNT = "arn:aws:elasticloadbalancing:us-east-1:000000000000"
TG_BLUE = f"{ACCOUNT}:targetgroup/blue/0123456789abcdef"
TG_GREEN = f"{ACCOUNT}:targetgroup/green/fedcba9876543210"
PROD_RULE = f"{ACCOUNT}:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee"
TEST_RULE = f"{ACCOUNT}:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/1111b2d02a6cabee"
ROLE = "arn:aws:iam::000000000000:role/ecsInfrastructureRoleForLoadBalancers"
STAGES = ["PRE_SCALE_UP", "SCALE_UP", "POST_SCALE_UP", "TEST_TRAFFIC_SHIFT",
          "POST_TEST_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT", "POST_PRODUCTION_TRAFFIC_SHIFT",
          "BAKE_TIME", "CLEAN_UP"]
CLUSTER = "bg"
DESIRED = 2


def load_balancers(**advanced):
    config = {"alternateTargetGroupArn": TG_GREEN, "productionListenerRule": PROD_RULE,
              "testListenerRule": TEST_RULE, "roleArn": ROLE, **advanced}
    return [{"targetGroupArn": TG_BLUE, "containerName": "app", "containerPort": 80,
             "advancedConfiguration": {k: v for k, v in config.items() if v is not None}}]


def register(client, image):
    c = {"name": "app", "image": image, "memory": 64, "essential": True,
         "portMappings": [{"containerPort": 80}]}
    return client.register_task_definition(family="web", containerDefinitions=[c])[
        "taskDefinition"]["taskDefinitionArn"]


@pytest.fixture
def bg(emulators):
    emu = emulators()
    client = new_model_client(emu)
    if client is None:
        pytest.skip("no botocore model with the service-deployment operations on this machine")
    clock(emu, "freeze")
    fleet(emu, cluster=CLUSTER, count=2)
    return emu, client


def deployment(client, arn):
    out = client.describe_service_deployments(serviceDeploymentArns=[arn])
    assert out["failures"] == [], out
    return out["serviceDeployments"][0]


def traffic(emu):
    status, _, raw = emu.http("GET", f"/_emulator/services/{CLUSTER}/web/traffic")
    assert status == 200, raw
    return json.loads(raw)


def counts(client):
    """Running tasks per deployment id."""
    svc = describe(client, CLUSTER, "web")
    return {d["id"]: d["runningCount"] for d in svc["deployments"]}, svc


def walk(emu, client, arn, stop_at=None, bake_minutes=5):
    """Advance the clock a millisecond at a time (the bake in one jump), recording each stage as
    it is first seen with the tasks and traffic at that moment; stops at `stop_at` or at the end."""
    seen = []
    for _ in range(3000):
        d = deployment(client, arn)
        stage = d.get("lifecycleStage")
        if not seen or seen[-1][0] != stage:
            seen.append((stage, d, counts(client)[0], traffic(emu)))
        if stage == stop_at or d["status"] not in ("PENDING", "IN_PROGRESS"):
            return seen, d
        if stage == "BAKE_TIME" and bake_minutes > 0:
            # The bake holds until bakeTimeInMinutes has passed on the simulated clock.
            clock(emu, "advance", by=f"{bake_minutes * 60 - 1}s")
            assert deployment(client, arn)["lifecycleStage"] == "BAKE_TIME"
            clock(emu, "advance", by="1s")
        else:
            clock(emu, "advance", by="1ms")
    raise AssertionError(f"deployment did not finish: {seen[-1][:2]}")


def create(client, **deployment_configuration):
    config = {"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 5, **deployment_configuration}
    return client.create_service(cluster=CLUSTER, serviceName="web",
                                 taskDefinition=register(client, "nginx:1"),
                                 desiredCount=DESIRED, loadBalancers=load_balancers(),
                                 deploymentConfiguration=config)["service"]


def deployed(emu, client):
    """The service after its first (blue) deployment finished; its deployment id."""
    svc = create(client)
    seen, d = walk(emu, client, svc["currentServiceDeployment"])
    assert d["status"] == "SUCCESSFUL", d
    return describe(client, CLUSTER, "web")["deployments"][0]["id"]


def update(client):
    svc = client.update_service(cluster=CLUSTER, service="web",
                                taskDefinition=register(client, "nginx:2"))["service"]
    return svc["currentServiceDeployment"], svc["deployments"][0]["id"]


def wait_stable(emu):
    AwsCli(emu)("wait", "services-stable", "--cluster", CLUSTER, "--services", "web")


def test_blue_green_walks_every_stage_with_a_five_minute_bake(bg):
    emu, client = bg
    blue = deployed(emu, client)
    arn, green = update(client)
    first = deployment(client, arn)
    assert first["status"] == "PENDING" and first["lifecycleStage"] == "PRE_SCALE_UP"
    assert first["deploymentConfiguration"]["strategy"] == "BLUE_GREEN"
    assert first["deploymentConfiguration"]["bakeTimeInMinutes"] == 5
    seen, final = walk(emu, client, arn)
    assert [s[0] for s in seen] == STAGES
    for stage, d, running, split in seen:
        weights = {r["deploymentId"]: (r["productionTrafficWeight"], r["testTrafficWeight"])
                   for r in split["revisions"]}
        i = STAGES.index(stage)
        green_share = (100.0 if i >= STAGES.index("PRODUCTION_TRAFFIC_SHIFT") else 0.0,
                       100.0 if i >= STAGES.index("TEST_TRAFFIC_SHIFT") else 0.0)
        assert weights[green] == green_share, (stage, split)
        assert weights[blue] == (100 - green_share[0], 100 - green_share[1]), (stage, split)
        target = d["targetServiceRevision"]
        assert target["requestedProductionTrafficWeight"] == green_share[0], (stage, d)
        assert target["requestedTestTrafficWeight"] == green_share[1], (stage, d)
        if stage != "CLEAN_UP":
            assert running.get(blue) == DESIRED, (stage, running)  # blue whole until clean-up
        if i > STAGES.index("SCALE_UP"):
            assert running.get(green) == DESIRED, (stage, running)  # green at full size beside it
        # PENDING first, IN_PROGRESS a millisecond later, still in PRE_SCALE_UP.
        assert d["status"] == ("PENDING" if stage == "PRE_SCALE_UP" else "IN_PROGRESS"), stage

    assert final["status"] == "SUCCESSFUL" and final["lifecycleStage"] == "CLEAN_UP"
    running, svc = counts(client)
    assert running == {green: DESIRED} and svc["deployments"][0]["rolloutState"] == "COMPLETED"
    messages = [e["message"] for e in svc["events"]]
    assert f"(service web) (deployment {green}) deployment completed." in messages
    split = traffic(emu)
    assert [(r["deploymentId"], r["productionTrafficWeight"]) for r in split["revisions"]] == [
        (green, 100.0)]
    wait_stable(emu)


def test_bake_survives_kill_9(bg):
    emu, client = bg
    deployed(emu, client)
    arn, green = update(client)
    walk(emu, client, arn, stop_at="BAKE_TIME")
    clock(emu, "advance", by="2m")
    emu.kill9()
    emu.start()
    client = new_model_client(emu)
    clock(emu, "freeze")
    d = deployment(client, arn)
    assert d["lifecycleStage"] == "BAKE_TIME" and d["status"] == "IN_PROGRESS", d
    assert d["targetServiceRevision"]["requestedProductionTrafficWeight"] == 100.0
    assert counts(client)[0][green] == DESIRED
    # The clock restarts from real time, behind the frozen one: move well past the bake's end.
    clock(emu, "advance", by="30m")
    for _ in range(100):
        if deployment(client, arn)["status"] == "SUCCESSFUL":
            break
        clock(emu, "advance", by="100ms")
    assert deployment(client, arn)["status"] == "SUCCESSFUL"
    assert counts(client)[0] == {green: DESIRED}
    wait_stable(emu)


@pytest.mark.parametrize("stage", ["PRE_SCALE_UP", "POST_SCALE_UP", "POST_TEST_TRAFFIC_SHIFT",
                                   "BAKE_TIME", "CLEAN_UP"])
def test_stop_service_deployment_rolls_back_to_blue_from_any_stage(bg, stage):
    emu, client = bg
    blue = deployed(emu, client)
    arn, green = update(client)
    walk(emu, client, arn, stop_at=stage)
    client.stop_service_deployment(serviceDeploymentArn=arn, stopType="ROLLBACK")
    # Traffic returns to blue at once.
    split = traffic(emu)
    assert split["revisions"][0]["deploymentId"] == blue
    assert split["revisions"][0]["productionTrafficWeight"] == 100.0
    assert all(r["productionTrafficWeight"] == 0 for r in split["revisions"][1:])
    assert deployment(client, arn)["status"] == "ROLLBACK_REQUESTED"
    clock(emu, "advance", by="1ms")
    assert deployment(client, arn)["status"] == "ROLLBACK_IN_PROGRESS"
    for _ in range(200):
        if deployment(client, arn)["status"] == "ROLLBACK_SUCCESSFUL":
            break
        clock(emu, "advance", by="100ms")
    d = deployment(client, arn)
    assert d["status"] == "ROLLBACK_SUCCESSFUL", d
    assert d["rollback"]["serviceRevisionArn"].endswith("/" + blue.split("/")[1])
    running, svc = counts(client)
    assert running == {blue: DESIRED}, running
    assert f"(service web) rolling back to deployment {blue}." in [e["message"] for e in svc["events"]]
    wait_stable(emu)


def test_blue_green_validation(bg, raw):
    emu, client = bg
    register(client, "nginx:1")

    def create_raw(lbs, **config):
        body = {"cluster": CLUSTER, "serviceName": "v", "taskDefinition": "web", "desiredCount": 1,
                "loadBalancers": lbs, "deploymentConfiguration": {"strategy": "BLUE_GREEN",
                                                                  **config}}
        status, _, out = emu.raw("CreateService", body)
        return status, json.loads(out)

    cases = [
        (load_balancers(), {}, "bakeTimeInMinutes is required"),
        (load_balancers(), {"bakeTimeInMinutes": 1441}, "bakeTimeInMinutes must be between 0"),
        (load_balancers(), {"bakeTimeInMinutes": -1}, "bakeTimeInMinutes must be between 0"),
        ([{k: v for k, v in load_balancers()[0].items() if k != "advancedConfiguration"}],
         {"bakeTimeInMinutes": 5}, "advancedConfiguration is required"),
        (load_balancers(roleArn=None), {"bakeTimeInMinutes": 5}, "advancedConfiguration.roleArn"),
        (load_balancers(alternateTargetGroupArn=None), {"bakeTimeInMinutes": 5},
         "advancedConfiguration.alternateTargetGroupArn"),
        (load_balancers(productionListenerRule=None), {"bakeTimeInMinutes": 5},
         "advancedConfiguration.productionListenerRule"),
        (load_balancers(alternateTargetGroupArn=TG_BLUE), {"bakeTimeInMinutes": 5},
         "must differ from the targetGroupArn"),
        (load_balancers(), {"bakeTimeInMinutes": 5, "linearConfiguration": {"stepPercent": 10.0}},
         "linearConfiguration is only valid with the LINEAR deployment strategy"),
    ]
    for lbs, config, text in cases:
        status, out = create_raw(lbs, **config)
        assert status == 400 and out["__type"] == "InvalidParameterException", (config, out)
        assert text in out["message"], (text, out)
    # advancedConfiguration belongs to blue/green: refused with ROLLING, never dropped.
    status, out = create_raw(load_balancers(), strategy="ROLLING")
    assert status == 400 and "advancedConfiguration is only valid" in out["message"], out
    assert client.describe_services(cluster=CLUSTER, services=["v"])["failures"][0]["reason"] == \
        "MISSING"
    # A test listener rule is optional; the configuration is shown back as given.
    status, out = create_raw(load_balancers(testListenerRule=None), bakeTimeInMinutes=0)
    assert status == 200, out
    lb = out["service"]["loadBalancers"][0]["advancedConfiguration"]
    assert lb == {"alternateTargetGroupArn": TG_GREEN, "productionListenerRule": PROD_RULE,
                  "roleArn": ROLE}
    assert out["service"]["deploymentConfiguration"]["strategy"] == "BLUE_GREEN"
    assert out["service"]["deploymentConfiguration"]["bakeTimeInMinutes"] == 0
    # The traffic route answers for blue/green services only.
    status, _, body = emu.http("GET", "/_emulator/services/bg/nope/traffic")
    assert status == 400 and json.loads(body)["__type"] == "ServiceNotFoundException"


def test_deployment_alarms_are_accepted_and_shown_back(bg):
    """Watched against simulated alarm states (tests/e2e/test_deployment_hooks_alarms.py)."""
    emu, client = bg
    register(client, "nginx:1")
    base = {"cluster": CLUSTER, "serviceName": "alarmed", "taskDefinition": "web",
            "desiredCount": 1}
    alarms = {"alarmNames": ["high-5xx"], "enable": True, "rollback": True}
    status, _, out = emu.raw("CreateService", {**base, "deploymentConfiguration": {"alarms": alarms}})
    assert status == 200, out
    assert json.loads(out)["service"]["deploymentConfiguration"]["alarms"] == alarms
    disabled = {**alarms, "enable": False}
    status, _, out = emu.raw("UpdateService", {"cluster": CLUSTER, "service": "alarmed",
                                               "deploymentConfiguration": {"alarms": disabled}})
    assert status == 200, out
    assert json.loads(out)["service"]["deploymentConfiguration"]["alarms"] == disabled


def update_with_hooks(client, hooks, bake=0):
    svc = client.update_service(
        cluster=CLUSTER, service="web", taskDefinition=register(client, "nginx:2"),
        deploymentConfiguration={"strategy": "BLUE_GREEN", "bakeTimeInMinutes": bake,
                                 "lifecycleHooks": hooks})["service"]
    return svc["currentServiceDeployment"], svc["deployments"][0]["id"]


def paused_at(emu, client, arn, stage):
    """Walks to `stage`, checks that the deployment holds there, and returns its hook details."""
    walk(emu, client, arn, stop_at=stage)
    clock(emu, "advance", by="10s")
    d = deployment(client, arn)
    assert d["lifecycleStage"] == stage and d["status"] == "IN_PROGRESS", d
    return d["lifecycleHookDetails"]


def test_pause_hook_waits_for_continue_service_deployment(bg):
    emu, client = bg
    blue = deployed(emu, client)
    hooks = [{"targetType": "PAUSE", "lifecycleStages": ["POST_TEST_TRAFFIC_SHIFT"],
              "hookDetails": {"owner": "qa"}}]
    arn, green = update_with_hooks(client, hooks)
    config = deployment(client, arn)["deploymentConfiguration"]
    assert config["lifecycleHooks"] == [{"targetType": "PAUSE",
                                         "lifecycleStages": ["POST_TEST_TRAFFIC_SHIFT"],
                                         "hookDetails": {"owner": "qa"}}]
    details = paused_at(emu, client, arn, "POST_TEST_TRAFFIC_SHIFT")
    assert len(details) == 1 and details[0]["targetType"] == "PAUSE", details
    assert details[0]["status"] == "AWAITING_ACTION" and "targetArn" not in details[0]
    # Green has test traffic only while it waits; blue serves production.
    split = {r["deploymentId"]: r for r in traffic(emu)["revisions"]}
    assert split[green]["testTrafficWeight"] == 100.0 and split[blue]["productionTrafficWeight"] == 100.0
    out = client.continue_service_deployment(serviceDeploymentArn=arn, hookId=details[0]["hookId"],
                                             action="CONTINUE")
    assert out["serviceDeploymentArn"] == arn
    assert deployment(client, arn)["lifecycleHookDetails"][0]["status"] == "SUCCEEDED"
    _, final = walk(emu, client, arn, bake_minutes=0)
    assert final["status"] == "SUCCESSFUL"
    assert counts(client)[0] == {green: DESIRED}
    wait_stable(emu)


def test_pause_hook_rolled_back_with_continue_service_deployment(bg):
    emu, client = bg
    blue = deployed(emu, client)
    arn, green = update_with_hooks(client, [{"targetType": "PAUSE",
                                             "lifecycleStages": ["POST_SCALE_UP"]}])
    details = paused_at(emu, client, arn, "POST_SCALE_UP")
    assert counts(client)[0] == {blue: DESIRED, green: DESIRED}
    client.continue_service_deployment(serviceDeploymentArn=arn, hookId=details[0]["hookId"],
                                       action="ROLLBACK")
    d = deployment(client, arn)
    assert d["status"] == "ROLLBACK_REQUESTED" and d["lifecycleHookDetails"][0]["status"] == "FAILED"
    for _ in range(200):
        if deployment(client, arn)["status"] == "ROLLBACK_SUCCESSFUL":
            break
        clock(emu, "advance", by="100ms")
    assert deployment(client, arn)["status"] == "ROLLBACK_SUCCESSFUL"
    assert counts(client)[0] == {blue: DESIRED}
    wait_stable(emu)


@pytest.mark.parametrize("action,outcome", [("CONTINUE", "SUCCESSFUL"),
                                            ("ROLLBACK", "ROLLBACK_SUCCESSFUL")])
def test_pause_hook_timeout_takes_its_action(bg, action, outcome):
    emu, client = bg
    deployed(emu, client)
    arn, _ = update_with_hooks(client, [{
        "targetType": "PAUSE", "lifecycleStages": ["PRE_SCALE_UP"],
        "timeoutConfiguration": {"timeoutInMinutes": 2, "action": action}}])
    details = paused_at(emu, client, arn, "PRE_SCALE_UP")
    assert details[0]["timeoutAction"] == action and "expiresAt" in details[0]
    clock(emu, "advance", by="1m")
    assert deployment(client, arn)["lifecycleHookDetails"][0]["status"] == "AWAITING_ACTION"
    clock(emu, "advance", by="1m")
    d = deployment(client, arn)
    assert d["lifecycleHookDetails"][0]["status"] == "TIMED_OUT", d
    for _ in range(300):
        d = deployment(client, arn)
        if d["status"] == outcome:
            break
        clock(emu, "advance", by="100ms")
    assert d["status"] == outcome, d
    wait_stable(emu)


def test_hook_and_continue_errors(bg):
    emu, client = bg
    register(client, "nginx:1")

    def create_raw(hooks):
        body = {"cluster": CLUSTER, "serviceName": "h", "taskDefinition": "web", "desiredCount": 1,
                "loadBalancers": load_balancers(),
                "deploymentConfiguration": {"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 1,
                                            "lifecycleHooks": hooks}}
        status, _, out = emu.raw("CreateService", body)
        return status, json.loads(out)

    lam = "arn:aws:lambda:us-east-1:000000000000:function:check"
    for hooks, text in [
        ([{"hookTargetArn": lam, "lifecycleStages": ["POST_SCALE_UP"]}], "roleArn is required"),
        ([{"targetType": "PAUSE", "lifecycleStages": ["BAKE_TIME"]}], "cannot run at BAKE_TIME"),
        ([{"targetType": "PAUSE", "lifecycleStages": []}], "lifecycleStages is required"),
        ([{"targetType": "PAUSE", "lifecycleStages": ["NOPE"]}], "NOPE"),
        ([{"targetType": "PAUSE", "lifecycleStages": ["PRE_SCALE_UP"],
           "timeoutConfiguration": {"timeoutInMinutes": 0}}], "timeoutInMinutes"),
    ]:
        status, out = create_raw(hooks)
        assert status == 400 and out["__type"] == "InvalidParameterException", (hooks, out)
        assert text in out["message"], (text, out)
    blue = deployed(emu, client)  # noqa: F841
    arn = describe(client, CLUSTER, "web")["currentServiceDeployment"]
    with pytest.raises(client.exceptions.InvalidParameterException) as e:
        client.continue_service_deployment(serviceDeploymentArn=arn, hookId="nope")
    assert "not in progress" in str(e.value)
    with pytest.raises(client.exceptions.ServiceDeploymentNotFoundException):
        client.continue_service_deployment(serviceDeploymentArn=arn + "x", hookId="nope")
    arn, _ = update_with_hooks(client, [{"targetType": "PAUSE", "lifecycleStages": ["PRE_SCALE_UP"]}])
    paused_at(emu, client, arn, "PRE_SCALE_UP")
    with pytest.raises(client.exceptions.InvalidParameterException) as e:
        client.continue_service_deployment(serviceDeploymentArn=arn, hookId="nope")
    assert "does not exist" in str(e.value)
    status, _, body = emu.http("GET", "/_emulator/operations")
    assert "ContinueServiceDeployment" in json.loads(body)["implemented"]


def test_green_registers_in_the_alternate_target_group_and_the_groups_swap(bg):
    """The developer guide: the primary target group is blue's, the alternate one green's; once
    green serves production the roles swap, so the next deployment's green registers in the
    primary target group again. Targets and the service's events name the group."""
    emu, client = bg

    def groups():
        status, _, raw = emu.http("GET", f"/_emulator/targets?cluster={CLUSTER}")
        assert status == 200, raw
        return {t["targetGroupArn"] for t in json.loads(raw)["targets"]}

    deployed(emu, client)
    assert groups() == {TG_BLUE}
    for expected in (TG_GREEN, TG_BLUE):
        arn, _ = update(client)
        _, d = walk(emu, client, arn)
        assert d["status"] == "SUCCESSFUL", d
        assert groups() == {expected}
        events = [e["message"] for e in describe(client, CLUSTER, "web")["events"]]
        assert f"(service web) registered {DESIRED} targets in (target-group {expected})" in events
    wait_stable(emu)
