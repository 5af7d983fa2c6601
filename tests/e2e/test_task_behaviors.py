"""POST /_emulator/task-behaviors: rules armed at run time for what containers do, matched by
image (glob), family, revision and container when a task is launched — so a rule armed before a
revision exists applies to it. Driven with raw HTTP for the route and boto3 / the AWS CLI v2 for
ECS."""
import datetime
import json

import pytest

from svchelpers import describe, fleet, service_tasks, wait_rolled_back

ROUTE = "task-behaviors"


def call(server, method, path="", body=None, query=""):
    data = json.dumps(body).encode() if body is not None else b""
    status, _, raw = server.http(method, f"/_emulator/{ROUTE}{path}{query}", body=data,
                                 headers={"Content-Type": "application/json"})
    return status, (json.loads(raw) if raw else None)


def arm(server, **rule):
    status, out = call(server, "POST", body=rule)
    assert status == 201, out
    return out["id"]


def register(ecs, family, image, **container):
    c = {"name": "app", "image": image, "memory": 64, "essential": True, **container}
    return ecs.register_task_definition(family=family, containerDefinitions=[c])[
        "taskDefinition"]["taskDefinitionArn"]


@pytest.mark.parametrize("rule,expected", [
    ({"exitCode": 0}, "match must name at least one of image, family, revision, container"),
    ({"match": {}, "exitCode": 0}, "match must name at least one"),
    ({"match": {"image": "x"}}, "at least one effect"),
    ({"match": {"image": "x"}, "exitCode": 0, "exitAfter": "soon"},
     "exitAfter must be a duration like 500ms, 2s, 5m or 1h; got 'soon'"),
    ({"match": {"image": "x"}, "stopTakes": "-1s"}, "stopTakes must be a duration"),
    ({"match": {"image": "x"}, "exitAfter": "2s"}, "exitAfter needs exitCode"),
    ({"match": {"image": "x"}, "exitCode": 300}, "exitCode must be an integer from 0 to 255"),
    ({"match": {"image": "x"}, "failToStart": "boom", "exitCode": 1}, "failToStart cannot"),
    ({"match": {"imag": "x"}, "exitCode": 0}, "match has no member 'imag'"),
    ({"match": {"image": "x"}, "exitcode": 0}, "has no member 'exitcode'"),
])
def test_bad_rules_are_refused_with_a_clear_message(server, rule, expected):
    status, out = call(server, "POST", body=rule)
    assert status == 400 and expected in out["message"], out
    assert call(server, "GET")[1] == {"rules": []}  # nothing armed


def test_post_get_delete_and_reset(server):
    a = arm(server, match={"image": "repo/app:*"}, exitCode=0, exitAfter="2s")
    b = arm(server, match={"family": "f", "revision": 3, "container": "c"}, stopTakes="20s",
            unhealthyAfter="10s")
    status, out = call(server, "GET")
    assert status == 200
    assert out["rules"] == [
        {"id": a, "match": {"image": "repo/app:*"}, "exitCode": 0, "exitAfter": "2s"},
        {"id": b, "match": {"family": "f", "revision": 3, "container": "c"},
         "unhealthyAfter": "10s", "stopTakes": "20s"}]
    assert call(server, "DELETE", f"/{a}") == (200, {"deleted": a})
    assert call(server, "DELETE", f"/{a}")[0] == 404
    assert [r["id"] for r in call(server, "GET")[1]["rules"]] == [b]
    assert call(server, "DELETE") == (200, {"deleted": 1})
    assert call(server, "GET")[1] == {"rules": []}
    arm(server, match={"image": "x"}, exitCode=1)
    server.reset()
    assert call(server, "GET")[1] == {"rules": []}


def test_rules_belong_to_an_account_and_region(server):
    arm(server, match={"image": "x"}, exitCode=1, account="111122223333", region="eu-west-1")
    assert call(server, "GET")[1] == {"rules": []}
    scoped = call(server, "GET", query="?account=111122223333&region=eu-west-1")[1]["rules"]
    assert len(scoped) == 1
    assert call(server, "DELETE", query="?account=111122223333&region=eu-west-1")[1] == {
        "deleted": 1}


def test_a_rule_armed_before_the_revision_makes_the_deployment_fail_and_roll_back(server, ecs):
    ecs.create_cluster(clusterName="tb")
    fleet(server, cluster="tb", count=3)
    arm(server, match={"image": "repo/app:bad"},
        failToStart="CannotPullContainerError: pull access denied")
    good = register(ecs, "tb", "repo/app:good")
    ecs.create_service(cluster="tb", serviceName="app", taskDefinition=good, desiredCount=2,
                       deploymentConfiguration={
                           "deploymentCircuitBreaker": {"enable": True, "rollback": True}})
    ecs.get_waiter("services_stable").wait(cluster="tb", services=["app"])
    good_id = describe(ecs, "tb", "app")["deployments"][0]["id"]
    bad = register(ecs, "tb", "repo/app:bad")  # registered after the rule was armed
    ecs.update_service(cluster="tb", service="app", taskDefinition=bad)

    svc = wait_rolled_back(ecs, "tb", "app", good_id, running=2, timeout=20)
    assert svc["taskDefinition"] == good
    messages = [e["message"] for e in svc["events"]]
    assert f"(service app) rolling back to deployment {good_id}." in messages
    failed = [t for t in service_tasks(ecs, "tb", "app", desired="STOPPED")
              if t["taskDefinitionArn"] == bad]
    assert failed and all(t["stopCode"] == "TaskFailedToStart" for t in failed)
    assert all(t["containers"][0]["reason"] == "CannotPullContainerError: pull access denied"
               for t in failed)


def test_a_one_off_task_exits_0_and_the_cli_waiter_returns(server, ecs, aws):
    ecs.create_cluster(clusterName="tbjob")
    fleet(server, cluster="tbjob", count=1)
    arm(server, match={"family": "migrate"}, exitCode=0, exitAfter="1s")
    td = register(ecs, "migrate", "repo/migrate:1")
    arn = ecs.run_task(cluster="tbjob", taskDefinition=td)["tasks"][0]["taskArn"]
    aws("wait", "tasks-stopped", "--cluster", "tbjob", "--tasks", arn)
    t = ecs.describe_tasks(cluster="tbjob", tasks=[arn])["tasks"][0]
    assert t["lastStatus"] == "STOPPED" and t["stopCode"] == "EssentialContainerExited"
    assert t["containers"][0]["exitCode"] == 0
    assert t["stoppedAt"] - t["startedAt"] >= datetime.timedelta(seconds=1)
