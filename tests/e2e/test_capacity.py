"""Capacity providers, strategies, task scale-in protection and ExecuteCommand end to end with
boto3 and the AWS CLI v2: CDK-style Fargate providers and the exact base/weight split, ECS's
errors for strategies and associations, a protected task surviving scale-in and holding a
deployment until its protection expires on simulated time, and the ExecuteCommand session."""
import collections

import pytest
from botocore.exceptions import ClientError

from conftest import cluster_arn, error_code, error_message
from svchelpers import (clock, describe, fargate_definition, new_model_client, service_tasks,
                        wait_until)

ARN = "arn:aws:ecs:us-east-1:000000000000"
NET = {"awsvpcConfiguration": {"subnets": ["subnet-1"]}}
SPLIT = [{"capacityProvider": "FARGATE", "base": 2, "weight": 1},
         {"capacityProvider": "FARGATE_SPOT", "weight": 3}]


def providers_of(tasks):
    return dict(collections.Counter(t["capacityProviderName"] for t in tasks))


def fargate_cluster(ecs, name):
    """What the CDK's enableFargateCapacityProviders does: both built-ins, empty default."""
    ecs.create_cluster(clusterName=name)
    ecs.put_cluster_capacity_providers(cluster=name, capacityProviders=["FARGATE", "FARGATE_SPOT"],
                                       defaultCapacityProviderStrategy=[])
    return name


def running_of(ecs, cluster, name, count):
    return wait_until(lambda: (lambda ts: ts if len(ts) == count and all(
        t["lastStatus"] == "RUNNING" for t in ts) else None)(service_tasks(ecs, cluster, name)),
        what=f"{count} RUNNING tasks of {name}")


def test_run_task_splits_base_then_weight(ecs):
    cluster = fargate_cluster(ecs, "cp-run")
    fargate_definition(ecs, "fg")
    out = ecs.run_task(cluster=cluster, taskDefinition="fg", count=10, networkConfiguration=NET,
                       capacityProviderStrategy=SPLIT)
    assert out["failures"] == []
    assert providers_of(out["tasks"]) == {"FARGATE": 4, "FARGATE_SPOT": 6}
    assert {t["launchType"] for t in out["tasks"]} == {"FARGATE"}
    # The cluster default strategy applies when neither launch type nor strategy is given.
    ecs.put_cluster_capacity_providers(
        cluster=cluster, capacityProviders=["FARGATE", "FARGATE_SPOT"],
        defaultCapacityProviderStrategy=[{"capacityProvider": "FARGATE_SPOT", "weight": 1}])
    out = ecs.run_task(cluster=cluster, taskDefinition="fg", count=3, networkConfiguration=NET)
    assert providers_of(out["tasks"]) == {"FARGATE_SPOT": 3}
    # A lone provider needs no weight (Terraform's default weight is 0).
    out = ecs.run_task(cluster=cluster, taskDefinition="fg", count=2, networkConfiguration=NET,
                       capacityProviderStrategy=[{"capacityProvider": "FARGATE"}])
    assert providers_of(out["tasks"]) == {"FARGATE": 2}


def test_strategy_errors(ecs):
    ecs.create_cluster(clusterName="cp-bare")
    fargate_definition(ecs, "fg")

    def run(strategy, cluster="cp-bare"):
        with pytest.raises(ClientError) as e:
            ecs.run_task(cluster=cluster, taskDefinition="fg", networkConfiguration=NET,
                         capacityProviderStrategy=strategy)
        assert error_code(e) == "InvalidParameterException"
        return error_message(e)

    assert "not associated with the cluster" in run([{"capacityProvider": "FARGATE", "weight": 1}])
    fargate_cluster(ecs, "cp-assoc")
    assert "base value can only be specified for one" in run(
        [{"capacityProvider": "FARGATE", "base": 1, "weight": 1},
         {"capacityProvider": "FARGATE_SPOT", "base": 1, "weight": 1}], "cp-assoc")
    assert "weight must be between 0 and 1000" in run(
        [{"capacityProvider": "FARGATE", "weight": 1001}], "cp-assoc")
    assert "weight value greater than 0" in run(
        [{"capacityProvider": "FARGATE", "base": 1}, {"capacityProvider": "FARGATE_SPOT"}],
        "cp-assoc")
    with pytest.raises(ClientError) as e:
        ecs.run_task(cluster="cp-assoc", taskDefinition="fg", networkConfiguration=NET,
                     launchType="FARGATE", capacityProviderStrategy=SPLIT)
    assert "both a launch type and capacity provider strategy" in error_message(e)
    # Nothing was started by the refused calls.
    assert ecs.list_tasks(cluster="cp-assoc")["taskArns"] == []
    with pytest.raises(ClientError) as e:
        ecs.put_cluster_capacity_providers(cluster="cp-assoc", capacityProviders=["my-asg-cp"],
                                           defaultCapacityProviderStrategy=[])
    assert error_code(e) == "InvalidParameterException"
    with pytest.raises(ClientError) as e:
        ecs.put_cluster_capacity_providers(
            cluster="cp-assoc", capacityProviders=["FARGATE"],
            defaultCapacityProviderStrategy=[{"capacityProvider": "FARGATE_SPOT", "weight": 1}])
    assert "not associated with the cluster" in error_message(e)
    with pytest.raises(ClientError) as e:
        ecs.put_cluster_capacity_providers(cluster="nope", capacityProviders=[],
                                           defaultCapacityProviderStrategy=[])
    assert error_code(e) == "ClusterNotFoundException"


def test_describe_capacity_providers_and_cluster(aws, ecs, server):
    cluster = fargate_cluster(ecs, "cp-desc")
    out = ecs.describe_capacity_providers()
    assert [p["name"] for p in out["capacityProviders"]] == ["FARGATE", "FARGATE_SPOT"]
    assert out["capacityProviders"][0] == {
        "capacityProviderArn": f"{ARN}:capacity-provider/FARGATE", "name": "FARGATE",
        "status": "ACTIVE"}
    out = ecs.describe_capacity_providers(capacityProviders=["FARGATE_SPOT", "nope"],
                                          include=["TAGS"])
    assert [(p["name"], p["tags"]) for p in out["capacityProviders"]] == [("FARGATE_SPOT", [])]
    assert out["failures"] == [{"arn": f"{ARN}:capacity-provider/nope", "reason": "MISSING"}]
    page = ecs.describe_capacity_providers(maxResults=1)
    assert [p["name"] for p in page["capacityProviders"]] == ["FARGATE"]
    page = ecs.describe_capacity_providers(maxResults=1, nextToken=page["nextToken"])
    assert [p["name"] for p in page["capacityProviders"]] == ["FARGATE_SPOT"]
    assert "nextToken" not in page
    # The AWS CLI, as a Terraform aws_ecs_cluster_capacity_providers apply drives it.
    c = aws("put-cluster-capacity-providers", "--cluster", cluster, "--capacity-providers",
            "FARGATE_SPOT", "--default-capacity-provider-strategy",
            "capacityProvider=FARGATE_SPOT,weight=1,base=1")["cluster"]
    assert c["capacityProviders"] == ["FARGATE_SPOT"]
    assert c["defaultCapacityProviderStrategy"] == [
        {"capacityProvider": "FARGATE_SPOT", "weight": 1, "base": 1}]
    c = ecs.describe_clusters(clusters=[cluster])["clusters"][0]
    assert c["capacityProviders"] == ["FARGATE_SPOT"]
    newer = new_model_client(server)  # botocore 1.29 does not know the `cluster` member
    if newer is not None:
        only = newer.describe_capacity_providers(cluster=cluster)["capacityProviders"]
        assert [p["name"] for p in only] == ["FARGATE_SPOT"]
    assert c["clusterArn"] == cluster_arn(cluster)


def test_service_keeps_split_and_provider_in_use(ecs):
    cluster = fargate_cluster(ecs, "cp-svc")
    fargate_definition(ecs, "fg")
    ecs.create_service(cluster=cluster, serviceName="s", taskDefinition="fg", desiredCount=10,
                       networkConfiguration=NET, capacityProviderStrategy=SPLIT)
    assert describe(ecs, cluster, "s")["capacityProviderStrategy"] == [
        {"capacityProvider": "FARGATE", "weight": 1, "base": 2},
        {"capacityProvider": "FARGATE_SPOT", "weight": 3, "base": 0}]
    assert providers_of(running_of(ecs, cluster, "s", 10)) == {"FARGATE": 4, "FARGATE_SPOT": 6}
    ecs.update_service(cluster=cluster, service="s", desiredCount=6)
    assert providers_of(running_of(ecs, cluster, "s", 6)) == {"FARGATE": 3, "FARGATE_SPOT": 3}
    with pytest.raises(ClientError) as e:
        ecs.put_cluster_capacity_providers(cluster=cluster, capacityProviders=["FARGATE"],
                                           defaultCapacityProviderStrategy=[])
    assert error_code(e) == "ResourceInUseException"
    assert error_message(e) == "The specified capacity provider is in use and cannot be removed."
    # A new strategy starts a new deployment whose tasks follow it.
    out = ecs.update_service(cluster=cluster, service="s", capacityProviderStrategy=[
        {"capacityProvider": "FARGATE_SPOT", "weight": 1}])["service"]
    assert len(out["deployments"]) == 2
    wait_until(lambda: providers_of(service_tasks(ecs, cluster, "s")) == {"FARGATE_SPOT": 6},
               what="all tasks on FARGATE_SPOT")


@pytest.fixture
def own(ephemeral_server):
    return ephemeral_server


def test_protected_task_survives_scale_in_until_expiry(own):
    ecs = own.client()
    cluster = fargate_cluster(ecs, "cp-prot")
    fargate_definition(ecs, "fg")
    ecs.create_service(cluster=cluster, serviceName="w", taskDefinition="fg", desiredCount=3,
                       networkConfiguration=NET, launchType="FARGATE")
    tasks = running_of(ecs, cluster, "w", 3)
    keep = tasks[1]["taskArn"]
    out = ecs.update_task_protection(cluster=cluster, tasks=[keep, "0" * 32],
                                     protectionEnabled=True, expiresInMinutes=5)
    assert [(p["taskArn"], p["protectionEnabled"]) for p in out["protectedTasks"]] == [(keep, True)]
    assert out["failures"] == [{"arn": f"{ARN}:task/{cluster}/{'0' * 32}", "reason": "MISSING"}]
    got = ecs.get_task_protection(cluster=cluster, tasks=[keep])["protectedTasks"][0]
    assert got["protectionEnabled"] is True and "expirationDate" in got
    with pytest.raises(ClientError) as e:
        ecs.update_task_protection(cluster=cluster, tasks=[keep], protectionEnabled=True,
                                   expiresInMinutes=2881)
    assert error_code(e) == "InvalidParameterException"

    ecs.update_service(cluster=cluster, service="w", desiredCount=1)
    left = running_of(ecs, cluster, "w", 1)
    assert [t["taskArn"] for t in left] == [keep]  # the siblings stopped, the protected one runs
    # At 0 the protected task still runs, and the service is not steady, until protection lapses.
    clock(own, "freeze")
    ecs.update_service(cluster=cluster, service="w", desiredCount=0)
    clock(own, "advance", by="2m")
    assert [t["taskArn"] for t in service_tasks(ecs, cluster, "w")] == [keep]
    clock(own, "advance", by="4m")
    clock(own, "advance", by="1m")
    wait_until(lambda: service_tasks(ecs, cluster, "w") == [], what="protection lapsed")
    got = ecs.get_task_protection(cluster=cluster, tasks=[keep])["protectedTasks"][0]
    assert got["protectionEnabled"] is False


def test_standalone_task_cannot_be_protected(ecs):
    cluster = fargate_cluster(ecs, "cp-solo")
    fargate_definition(ecs, "fg")
    arn = ecs.run_task(cluster=cluster, taskDefinition="fg", networkConfiguration=NET,
                       launchType="FARGATE")["tasks"][0]["taskArn"]
    out = ecs.update_task_protection(cluster=cluster, tasks=[arn], protectionEnabled=True)
    assert out["protectedTasks"] == []
    assert [(f["arn"], f["reason"]) for f in out["failures"]] == [(arn, "TASK_NOT_VALID")]


def test_execute_command_session(ecs):
    cluster = fargate_cluster(ecs, "cp-exec")
    fargate_definition(ecs, "fg")
    arn = ecs.run_task(cluster=cluster, taskDefinition="fg", networkConfiguration=NET,
                       launchType="FARGATE", enableExecuteCommand=True)["tasks"][0]["taskArn"]
    plain = ecs.run_task(cluster=cluster, taskDefinition="fg", networkConfiguration=NET,
                         launchType="FARGATE")["tasks"][0]["taskArn"]
    task = wait_until(lambda: (lambda t: t if t["lastStatus"] == "RUNNING" else None)(
        ecs.describe_tasks(cluster=cluster, tasks=[arn])["tasks"][0]), what="exec task RUNNING")
    agent = task["containers"][0]["managedAgents"]
    assert [(a["name"], a["lastStatus"]) for a in agent] == [("ExecuteCommandAgent", "RUNNING")]
    out = ecs.execute_command(cluster=cluster, task=arn, command="/bin/sh", interactive=True)
    assert out["clusterArn"] == cluster_arn(cluster) and out["taskArn"] == arn
    assert out["containerName"] == "app" and out["interactive"] is True
    assert out["containerArn"] == task["containers"][0]["containerArn"]
    session = out["session"]
    assert session["sessionId"].startswith("ecs-execute-command-")
    assert session["streamUrl"].startswith(
        "wss://ssmmessages.us-east-1.amazonaws.com/v1/data-channel/" + session["sessionId"])
    assert session["tokenValue"]

    def fails(**kw):
        with pytest.raises(ClientError) as e:
            ecs.execute_command(cluster=cluster, command="ls", **kw)
        assert error_code(e) == "InvalidParameterException"
        return error_message(e)

    assert fails(task=arn, interactive=False) == "Interactive is the only mode supported currently."
    assert "execute command was not enabled" in fails(task=plain, interactive=True)
    assert "does not exist in the task" in fails(task=arn, container="nope", interactive=True)
    ecs.stop_task(cluster=cluster, task=arn)
    wait_until(lambda: ecs.describe_tasks(cluster=cluster, tasks=[arn])["tasks"][0][
        "lastStatus"] == "STOPPED", what="exec task STOPPED")
    assert "execute command was not enabled" in fails(task=arn, interactive=True)


def test_deployment_waits_for_a_protected_task(ecs):
    cluster = fargate_cluster(ecs, "cp-dep")
    fargate_definition(ecs, "fg")
    ecs.create_service(cluster=cluster, serviceName="d", taskDefinition="fg", desiredCount=2,
                       networkConfiguration=NET, launchType="FARGATE")
    old = running_of(ecs, cluster, "d", 2)
    keep = old[0]["taskArn"]
    ecs.update_task_protection(cluster=cluster, tasks=[keep], protectionEnabled=True)
    v2 = fargate_definition(ecs, "fg")
    ecs.update_service(cluster=cluster, service="d", taskDefinition=v2)
    # The new tasks run and the unprotected old one stops; the protected one holds the rollout.
    wait_until(lambda: sorted(t["taskDefinitionArn"] == v2 for t in service_tasks(
        ecs, cluster, "d") if t["lastStatus"] == "RUNNING") == [False, True, True],
        what="2 new tasks beside the protected old one")
    svc = describe(ecs, cluster, "d")
    assert svc["deployments"][0]["rolloutState"] == "IN_PROGRESS"
    assert len(svc["deployments"]) == 2
    ecs.update_task_protection(cluster=cluster, tasks=[keep], protectionEnabled=False)
    wait_until(lambda: len(describe(ecs, cluster, "d")["deployments"]) == 1,
               what="deployment completed after protection ended")
    assert {t["taskDefinitionArn"] for t in service_tasks(ecs, cluster, "d")} == {v2}
