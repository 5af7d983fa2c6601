"""Task sets (issue 12): EXTERNAL services shifted from one task set to another, CODE_DEPLOY's
first task set and UpdateService rules, errors, tags, kill -9 persistence and the services-stable
waiter, driven with boto3 and the AWS CLI against the real binary. Instant timing: each request
is settled before its reply, so no test waits for the scheduler."""
from __future__ import annotations

import re

import botocore.exceptions
import pytest

from conftest import AwsCliError, error_code, error_message
from svchelpers import definition, describe, fargate_definition, fleet, service_tasks

TASK_SET_ID = re.compile(r"^ecs-svc/\d{19}$")
NOT_EXTERNAL = ("Amazon ECS only supports task set management on services configured to use "
                "external deployment controllers.")


def external_service(ecs, cluster="ts", name="web", desired=4):
    return ecs.create_service(cluster=cluster, serviceName=name, desiredCount=desired,
                              deploymentController={"type": "EXTERNAL"})["service"]


def task_set(ecs, cluster, service, ts_id, **kw):
    out = ecs.describe_task_sets(cluster=cluster, service=service, taskSets=[ts_id], **kw)
    assert out["failures"] == [], out
    return out["taskSets"][0]


def tasks_per_set(ecs, cluster, service):
    counts = {}
    for t in service_tasks(ecs, cluster, service):
        counts[t["startedBy"]] = counts.get(t["startedBy"], 0) + 1
    return counts


def test_external_service_shifts_from_one_task_set_to_another(server):
    ecs = server.client()
    fleet(server, cluster="ts", count=3)
    td_a = definition(ecs, family="blue")
    td_b = definition(ecs, family="green")
    svc = external_service(ecs)
    assert svc["deploymentController"] == {"type": "EXTERNAL"}
    assert svc["deployments"] == [] and svc["taskSets"] == []
    assert "taskDefinition" not in svc

    a = ecs.create_task_set(cluster="ts", service="web", taskDefinition=td_a, launchType="EC2",
                            externalId="blue-1", scale={"value": 100, "unit": "PERCENT"})["taskSet"]
    assert TASK_SET_ID.match(a["id"])
    assert a["taskSetArn"] == (f"arn:aws:ecs:us-east-1:000000000000:task-set/ts/web/{a['id']}")
    assert a["status"] == "ACTIVE" and a["externalId"] == "blue-1"
    assert a["computedDesiredCount"] == 4 and a["launchType"] == "EC2"
    assert a["scale"] == {"value": 100.0, "unit": "PERCENT"}
    b = ecs.create_task_set(cluster="ts", service="web", taskDefinition=td_b, launchType="EC2",
                            scale={"value": 0, "unit": "PERCENT"})["taskSet"]
    assert b["computedDesiredCount"] == 0

    a = task_set(ecs, "ts", "web", a["id"])
    assert (a["runningCount"], a["pendingCount"], a["stabilityStatus"]) == (4, 0, "STEADY_STATE")
    assert tasks_per_set(ecs, "ts", "web") == {a["id"]: 4}
    assert describe(ecs, "ts", "web")["runningCount"] == 4

    ecs.update_service_primary_task_set(cluster="ts", service="web", primaryTaskSet=a["taskSetArn"])
    svc = describe(ecs, "ts", "web")
    assert svc["taskDefinition"] == td_a and svc["launchType"] == "EC2"
    assert [t["status"] for t in svc["taskSets"]] == ["PRIMARY", "ACTIVE"]

    # Scale B up to 50 % (ceil(4 x 0.5) = 2), then 100 %, and make it PRIMARY.
    up = ecs.update_task_set(cluster="ts", service="web", taskSet=b["id"],
                             scale={"value": 50, "unit": "PERCENT"})["taskSet"]
    assert up["computedDesiredCount"] == 2
    assert tasks_per_set(ecs, "ts", "web") == {a["id"]: 4, b["id"]: 2}
    ecs.update_task_set(cluster="ts", service="web", taskSet=b["id"],
                        scale={"value": 100, "unit": "PERCENT"})
    assert tasks_per_set(ecs, "ts", "web") == {a["id"]: 4, b["id"]: 4}
    primary = ecs.update_service_primary_task_set(cluster="ts", service="web",
                                                  primaryTaskSet=b["id"])["taskSet"]
    assert primary["status"] == "PRIMARY"
    svc = describe(ecs, "ts", "web")
    assert svc["taskDefinition"] == td_b
    assert [(t["id"], t["status"]) for t in svc["taskSets"]] == [(b["id"], "PRIMARY"),
                                                                  (a["id"], "ACTIVE")]
    assert svc["runningCount"] == 8 and svc["deployments"] == []

    # A scaled set is deleted only with force; then it drains and is gone.
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ecs.delete_task_set(cluster="ts", service="web", taskSet=a["id"])
    assert error_code(e) == "InvalidParameterException"
    deleted = ecs.delete_task_set(cluster="ts", service="web", taskSet=a["id"], force=True)
    assert deleted["taskSet"]["status"] == "DRAINING"
    assert tasks_per_set(ecs, "ts", "web") == {b["id"]: 4}
    out = ecs.describe_task_sets(cluster="ts", service="web", taskSets=[a["id"], b["id"]])
    assert [t["id"] for t in out["taskSets"]] == [b["id"]]
    assert out["failures"] == [{"arn": a["id"], "reason": "MISSING"}]
    stopped = service_tasks(ecs, "ts", "web", desired="STOPPED")
    assert {t["startedBy"] for t in stopped} == {a["id"]}
    assert all(t["stopCode"] == "ServiceSchedulerInitiated" for t in stopped)


def test_scale_to_zero_then_delete_and_desired_count_changes(server):
    ecs = server.client()
    fleet(server, cluster="ts", count=2)
    td = definition(ecs)
    external_service(ecs, desired=3)
    a = ecs.create_task_set(cluster="ts", service="web", taskDefinition=td,
                            scale={"value": 50, "unit": "PERCENT"})["taskSet"]
    assert a["computedDesiredCount"] == 2  # ceil(1.5)
    ecs.update_service(cluster="ts", service="web", desiredCount=5)
    a = task_set(ecs, "ts", "web", a["id"])
    assert (a["computedDesiredCount"], a["runningCount"]) == (3, 3)
    # A stopped task is replaced.
    victim = service_tasks(ecs, "ts", "web")[0]
    ecs.stop_task(cluster="ts", task=victim["taskArn"])
    assert task_set(ecs, "ts", "web", a["id"])["runningCount"] == 3
    ecs.update_task_set(cluster="ts", service="web", taskSet=a["id"],
                        scale={"value": 0, "unit": "PERCENT"})
    a = task_set(ecs, "ts", "web", a["id"])
    assert (a["computedDesiredCount"], a["runningCount"], a["stabilityStatus"]) == (
        0, 0, "STEADY_STATE")
    ecs.delete_task_set(cluster="ts", service="web", taskSet=a["id"])
    assert ecs.describe_task_sets(cluster="ts", service="web")["taskSets"] == []


def test_task_set_errors(server):
    ecs = server.client()
    fleet(server, cluster="ts", count=1)
    td = definition(ecs)
    ecs.create_service(cluster="ts", serviceName="rolling", taskDefinition=td, desiredCount=0)
    for call in (lambda: ecs.create_task_set(cluster="ts", service="rolling", taskDefinition=td),
                 lambda: ecs.describe_task_sets(cluster="ts", service="rolling")):
        with pytest.raises(botocore.exceptions.ClientError) as e:
            call()
        assert error_code(e) == "InvalidParameterException"
        assert error_message(e) == NOT_EXTERNAL
    external_service(ecs)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ecs.create_task_set(cluster="ts", service="nope", taskDefinition=td)
    assert error_code(e) == "ServiceNotFoundException"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ecs.update_task_set(cluster="ts", service="web", taskSet="ecs-svc/1234567890123456789",
                            scale={"value": 10, "unit": "PERCENT"})
    assert error_code(e) == "TaskSetNotFoundException"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ecs.create_task_set(cluster="ts", service="web", taskDefinition="missing:1")
    assert error_code(e) == "ClientException"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ecs.create_task_set(cluster="ts", service="web", taskDefinition=td,
                            scale={"value": 101, "unit": "PERCENT"})
    assert error_code(e) == "InvalidParameterException"
    # EXTERNAL services take no task-set members at create or update, naming the member.
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ecs.create_service(cluster="ts", serviceName="x", desiredCount=1, taskDefinition=td,
                           deploymentController={"type": "EXTERNAL"})
    assert error_code(e) == "InvalidParameterException"
    assert error_message(e).startswith("taskDefinition ")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ecs.update_service(cluster="ts", service="web", forceNewDeployment=True)
    assert error_message(e).startswith("forceNewDeployment ")
    for _ in range(5):
        ecs.create_task_set(cluster="ts", service="web", taskDefinition=td)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ecs.create_task_set(cluster="ts", service="web", taskDefinition=td)
    assert error_message(e) == ("5 deployments exist on the service. Unable to create new TaskSet "
                                "since this exceeds the maximum limit.")
    assert len(ecs.describe_task_sets(cluster="ts", service="web")["taskSets"]) == 5


def test_code_deploy_service(server, aws):
    ecs = server.client()
    fleet(server, cluster="ts", count=2)
    td = definition(ecs)
    td2 = definition(ecs)
    svc = aws("create-service", "--cluster", "ts", "--service-name", "cd", "--task-definition", td,
              "--desired-count", "2", "--deployment-controller", "type=CODE_DEPLOY")["service"]
    assert svc["deployments"] == []
    assert len(svc["taskSets"]) == 1
    first = svc["taskSets"][0]
    assert (first["status"], first["startedBy"], first["scale"]["value"]) == (
        "PRIMARY", "CODE_DEPLOY", 100.0)
    svc = describe(ecs, "ts", "cd")
    assert svc["runningCount"] == 2 and svc["taskDefinition"] == td
    assert svc["taskSets"][0]["runningCount"] == 2
    assert tasks_per_set(ecs, "ts", "cd") == {first["id"]: 2}
    with pytest.raises(AwsCliError) as e:
        aws("update-service", "--cluster", "ts", "--service", "cd", "--task-definition", td2)
    assert e.value.code == "InvalidParameterException"
    assert ("Unable to update task definition on services with a CODE_DEPLOY deployment "
            "controller. Use AWS CodeDeploy to trigger a new deployment.") in e.value.stderr
    aws("update-service", "--cluster", "ts", "--service", "cd", "--desired-count", "3")
    svc = describe(ecs, "ts", "cd")
    assert (svc["runningCount"], svc["taskSets"][0]["computedDesiredCount"]) == (3, 3)
    # Task sets of a CODE_DEPLOY service are CodeDeploy's: readable, not writable.
    assert len(ecs.describe_task_sets(cluster="ts", service="cd")["taskSets"]) == 1
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ecs.create_task_set(cluster="ts", service="cd", taskDefinition=td)
    assert error_message(e) == NOT_EXTERNAL
    # DeleteService drains the sets' tasks.
    ecs.delete_service(cluster="ts", service="cd", force=True)
    assert ecs.list_tasks(cluster="ts")["taskArns"] == []
    assert describe(ecs, "ts", "cd")["status"] == "INACTIVE"


def test_task_set_tags_and_cli(server, aws):
    ecs = server.client()
    fleet(server, cluster="ts", count=1)
    td = definition(ecs)
    external_service(ecs, desired=1)
    ts = aws("create-task-set", "--cluster", "ts", "--service", "web", "--task-definition", td,
             "--scale", "value=100,unit=PERCENT", "--tags", "key=team,value=blue")["taskSet"]
    assert ts["tags"] == [{"key": "team", "value": "blue"}]
    arn = ts["taskSetArn"]
    ecs.tag_resource(resourceArn=arn, tags=[{"key": "stage", "value": "canary"}])
    tags = ecs.list_tags_for_resource(resourceArn=arn)["tags"]
    assert sorted(t["key"] for t in tags) == ["stage", "team"]
    described = aws("describe-task-sets", "--cluster", "ts", "--service", "web", "--task-sets", arn,
                    "--include", "TAGS")["taskSets"][0]
    assert sorted(t["key"] for t in described["tags"]) == ["stage", "team"]
    assert "tags" not in task_set(ecs, "ts", "web", ts["id"])
    aws("update-service-primary-task-set", "--cluster", "ts", "--service", "web",
        "--primary-task-set", ts["id"])
    aws("delete-task-set", "--cluster", "ts", "--service", "web", "--task-set", ts["id"],
        "--force")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ecs.list_tags_for_resource(resourceArn=arn)
    assert error_message(e) == f"The specified resource {arn} was not found."


def test_services_stable_waiter_never_succeeds_without_deployments(server):
    """The waiter's acceptor needs exactly one deployment; EXTERNAL and CODE_DEPLOY services have
    none, so on AWS it times out however steady they are (boto/botocore#2865)."""
    ecs = server.client()
    fleet(server, cluster="ts", count=1)
    td = definition(ecs)
    external_service(ecs, desired=1)
    ecs.create_task_set(cluster="ts", service="web", taskDefinition=td,
                        scale={"value": 100, "unit": "PERCENT"})
    svc = describe(ecs, "ts", "web")
    assert svc["runningCount"] == svc["desiredCount"] == 1
    waiter = ecs.get_waiter("services_stable")
    with pytest.raises(botocore.exceptions.WaiterError) as e:
        waiter.wait(cluster="ts", services=["web"], WaiterConfig={"Delay": 0, "MaxAttempts": 2})
    assert "Max attempts exceeded" in str(e.value)


def test_task_sets_survive_kill9(emulators):
    emu = emulators()
    ecs = emu.client()
    fleet(emu, cluster="ts", count=2)
    td = definition(ecs)
    external_service(ecs, desired=2)
    a = ecs.create_task_set(cluster="ts", service="web", taskDefinition=td, externalId="x",
                            scale={"value": 100, "unit": "PERCENT"},
                            tags=[{"key": "k", "value": "v"}])["taskSet"]
    ecs.update_service_primary_task_set(cluster="ts", service="web", primaryTaskSet=a["id"])
    before = ecs.describe_task_sets(cluster="ts", service="web", include=["TAGS"])["taskSets"]
    emu.kill9()
    emu.start()
    ecs = emu.client()
    after = ecs.describe_task_sets(cluster="ts", service="web", include=["TAGS"])["taskSets"]
    assert after == before
    assert after[0]["status"] == "PRIMARY" and after[0]["runningCount"] == 2
    assert describe(ecs, "ts", "web")["taskDefinition"] == td


def test_fargate_task_set_with_network_and_the_operations_list(server):
    ecs = server.client()
    ecs.create_cluster(clusterName="ts")
    td = fargate_definition(ecs)
    external_service(ecs, desired=2)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ecs.create_task_set(cluster="ts", service="web", taskDefinition=td, launchType="FARGATE")
    assert error_message(e) == ("Network Configuration must be provided when networkMode "
                                "'awsvpc' is specified.")
    net = {"awsvpcConfiguration": {"subnets": ["subnet-1"], "securityGroups": ["sg-1"]}}
    ts = ecs.create_task_set(cluster="ts", service="web", taskDefinition=td, launchType="FARGATE",
                             platformVersion="LATEST", networkConfiguration=net,
                             scale={"value": 100, "unit": "PERCENT"})["taskSet"]
    assert (ts["launchType"], ts["platformVersion"], ts["platformFamily"]) == (
        "FARGATE", "1.4.0", "Linux")
    assert ts["networkConfiguration"]["awsvpcConfiguration"]["subnets"] == ["subnet-1"]
    tasks = service_tasks(ecs, "ts", "web")
    assert len(tasks) == 2
    assert {(t["launchType"], t["startedBy"], t["group"]) for t in tasks} == {
        ("FARGATE", ts["id"], "service:web")}
    status, ops = server.get_json("/_emulator/operations")
    assert status == 200
    for op in ("CreateTaskSet", "DescribeTaskSets", "UpdateTaskSet",
               "UpdateServicePrimaryTaskSet", "DeleteTaskSet"):
        assert op in ops["implemented"]


def test_task_set_keeps_its_capacity_provider_split_as_it_replaces_tasks(server):
    """FARGATE base 2 weight 1 / FARGATE_SPOT weight 3 over 10 tasks is 4/6. When the Spot tasks
    stop, their replacements are split against the tasks that stay, so the set is 4/6 again
    (a fresh split of the 6 would put 3 more on FARGATE)."""
    ecs = server.client()
    ecs.create_cluster(clusterName="tscp", capacityProviders=["FARGATE", "FARGATE_SPOT"])
    td = fargate_definition(ecs)
    external_service(ecs, cluster="tscp", desired=10)
    net = {"awsvpcConfiguration": {"subnets": ["subnet-1"], "securityGroups": ["sg-1"]}}
    ts = ecs.create_task_set(
        cluster="tscp", service="web", taskDefinition=td, networkConfiguration=net,
        capacityProviderStrategy=[{"capacityProvider": "FARGATE", "base": 2, "weight": 1},
                                  {"capacityProvider": "FARGATE_SPOT", "weight": 3}],
        scale={"value": 100, "unit": "PERCENT"})["taskSet"]
    assert ts["capacityProviderStrategy"][0] == {"capacityProvider": "FARGATE", "base": 2,
                                                 "weight": 1}

    def split():
        counts = {}
        for t in service_tasks(ecs, "tscp", "web"):
            if t["desiredStatus"] == "RUNNING":
                counts[t["capacityProviderName"]] = counts.get(t["capacityProviderName"], 0) + 1
        return counts

    assert split() == {"FARGATE": 4, "FARGATE_SPOT": 6}
    for t in service_tasks(ecs, "tscp", "web"):
        if t["capacityProviderName"] == "FARGATE_SPOT":
            ecs.stop_task(cluster="tscp", task=t["taskArn"], reason="spot interruption")
    # Instant timing: the replacements were launched before StopTask's last reply.
    assert split() == {"FARGATE": 4, "FARGATE_SPOT": 6}
    assert task_set(ecs, "tscp", "web", ts["id"])["runningCount"] == 10
