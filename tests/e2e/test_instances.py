"""Container instances end to end: agent registration across three AZs, fleets, listing with
filters, draining, agent updates, poll endpoint, attributes, deregistration."""
import json
import re

import pytest
from botocore.exceptions import ClientError

from conftest import AwsCliError, cluster_arn, error_code, error_message
from taskhelpers import (AZS, admin, clock, fleet, identity_document, register_agents, remaining,
                         resources, simple_definition)

DEFAULT_PORTS = ["22", "2376", "2375", "51678", "51679"]


def test_agent_registration_creates_default_and_fills_builtins(ecs):
    assert ecs.describe_clusters(clusters=["default"])["failures"][0]["reason"] == "MISSING"
    arns = register_agents(ecs, cpu=2048, memory=3800, instance_type="c5.large")
    assert len(arns) == 3
    cluster = ecs.describe_clusters(clusters=["default"])["clusters"][0]
    assert cluster["status"] == "ACTIVE"
    assert cluster["registeredContainerInstancesCount"] == 3

    out = ecs.describe_container_instances(cluster="default", containerInstances=arns)
    assert out["failures"] == []
    zones = []
    for i, ci in enumerate(out["containerInstances"]):
        assert re.fullmatch(r"arn:aws:ecs:us-east-1:000000000000:container-instance/default/[0-9a-f]{32}",
                            ci["containerInstanceArn"])
        assert ci["ec2InstanceId"] == f"i-{i:017x}"
        assert ci["status"] == "ACTIVE"
        assert ci["agentConnected"] is True
        assert ci["runningTasksCount"] == 0 and ci["pendingTasksCount"] == 0
        assert ci["versionInfo"]["agentVersion"] == "1.89.1"
        attrs = {a["name"]: a.get("value") for a in ci["attributes"]}
        zones.append(attrs["ecs.availability-zone"])
        assert attrs["ecs.instance-type"] == "c5.large"
        assert attrs["ecs.ami-id"] == "ami-0123456789abcdef0"
        assert attrs["ecs.os-type"] == "linux"
        assert attrs["ecs.cpu-architecture"] == "x86_64"
        assert "com.amazonaws.ecs.capability.docker-remote-api.1.24" in attrs
        assert [r["name"] for r in ci["registeredResources"]] == ["CPU", "MEMORY", "PORTS", "PORTS_UDP"]
        assert ci["registeredResources"] == ci["remainingResources"]
        assert ci["registeredResources"][1]["integerValue"] == 3800
        assert ci["registeredResources"][2]["stringSetValue"] == DEFAULT_PORTS
    assert zones == AZS

    # The same EC2 instance registering again gets the same container instance back.
    again = ecs.register_container_instance(
        instanceIdentityDocument=identity_document("i-00000000000000000", "us-east-1a"),
        totalResources=resources(2048, 3800))
    assert again["containerInstance"]["containerInstanceArn"] == arns[0]
    assert ecs.describe_clusters(clusters=["default"])["clusters"][0]["registeredContainerInstancesCount"] == 3


def test_register_into_unknown_cluster_fails(ecs):
    with pytest.raises(ClientError) as e:
        ecs.register_container_instance(cluster="nope", totalResources=resources(1024, 1024))
    assert error_code(e) == "ClusterNotFoundException"


def test_register_with_the_cli(aws):
    aws("create-cluster", "--cluster-name", "cli")
    out = aws("register-container-instance", "--cluster", "cli",
              "--instance-identity-document", identity_document("i-0abc", "us-east-1b", "t3.large"),
              "--total-resources", json.dumps(resources(2048, 7900)),
              "--attributes", "name=stack,value=prod",
              "--tags", "key=team,value=core")
    ci = out["containerInstance"]
    assert ci["ec2InstanceId"] == "i-0abc"
    assert {"name": "stack", "value": "prod"} in ci["attributes"]
    assert ci["tags"] == [{"key": "team", "value": "core"}]
    listed = aws("list-container-instances", "--cluster", "cli")
    assert listed["containerInstanceArns"] == [ci["containerInstanceArn"]]


def test_fleets_round_robin_over_azs(server, ecs):
    arns = fleet(server, cluster="f", count=7, instance_type="m5.xlarge")
    assert len(arns) == 7
    out = ecs.describe_container_instances(cluster="f", containerInstances=arns)["containerInstances"]
    zones = [{a["name"]: a.get("value") for a in ci["attributes"]}["ecs.availability-zone"] for ci in out]
    assert zones == AZS * 2 + AZS[:1]
    for ci in out:
        assert ci["registeredResources"][0]["integerValue"] == 4096
        assert ci["registeredResources"][1]["integerValue"] == 15576
    # Explicit size and zones; an unknown type without a size is refused.
    custom = fleet(server, cluster="f", count=2, instance_type="x.custom", cpu=512, memory=1000,
                   availabilityZones=["us-east-1f"], attributes={"pool": "blue"})
    ci = ecs.describe_container_instances(cluster="f", containerInstances=custom)["containerInstances"][1]
    attrs = {a["name"]: a.get("value") for a in ci["attributes"]}
    assert attrs["ecs.availability-zone"] == "us-east-1f" and attrs["pool"] == "blue"
    assert ci["registeredResources"][0]["integerValue"] == 512
    status, err = admin(server, "POST", "fleets", {"cluster": "f", "count": 1, "instanceType": "x.custom"})
    assert status == 400 and "cpu and memory" in err["message"]


def test_list_container_instances_filters_status_and_pages(server, ecs, aws):
    arns = fleet(server, cluster="c", count=6)
    ecs.update_container_instances_state(cluster="c", containerInstances=[arns[1]], status="DRAINING")
    ecs.deregister_container_instance(cluster="c", containerInstance=arns[5])

    assert ecs.list_container_instances(cluster="c")["containerInstanceArns"] == arns[:5]
    assert ecs.list_container_instances(cluster="c", status="DRAINING")["containerInstanceArns"] == [arns[1]]
    assert len(ecs.list_container_instances(cluster="c", status="ACTIVE")["containerInstanceArns"]) == 4

    pages = list(ecs.get_paginator("list_container_instances").paginate(
        cluster="c", PaginationConfig={"PageSize": 2}))
    assert [len(p["containerInstanceArns"]) for p in pages] == [2, 2, 1]
    assert "nextToken" not in pages[-1]
    assert [a for p in pages for a in p["containerInstanceArns"]] == arns[:5]

    out = aws("list-container-instances", "--cluster", "c",
              "--filter", "attribute:ecs.availability-zone == us-east-1b")
    assert out["containerInstanceArns"] == [arns[1], arns[4]]
    out = aws("list-container-instances", "--cluster", "c", "--status", "ACTIVE",
              "--filter", "attribute:ecs.availability-zone in [us-east-1a, us-east-1b] and agentConnected == true")
    assert out["containerInstanceArns"] == [arns[0], arns[3], arns[4]]

    with pytest.raises(AwsCliError) as e:
        aws("list-container-instances", "--cluster", "c", "--filter", "attribute:ecs.instance-type ==")
    assert e.value.code == "InvalidParameterException"
    assert "position" in e.value.stderr
    with pytest.raises(ClientError) as e:
        ecs.list_container_instances(cluster="c", filter="runningTasksCount >> 2")
    assert error_code(e) == "InvalidParameterException"
    assert re.search(r"position \d+", error_message(e))


def test_describe_include_tags_and_health_and_missing(ecs):
    out = ecs.register_container_instance(totalResources=resources(1024, 2048),
                                          tags=[{"key": "k", "value": "v"}])
    arn = out["containerInstance"]["containerInstanceArn"]
    plain = ecs.describe_container_instances(containerInstances=[arn])["containerInstances"][0]
    assert "tags" not in plain and "healthStatus" not in plain
    full = ecs.describe_container_instances(containerInstances=[arn, "0" * 32],
                                            include=["TAGS", "CONTAINER_INSTANCE_HEALTH"])
    ci = full["containerInstances"][0]
    assert ci["tags"] == [{"key": "k", "value": "v"}]
    assert ci["healthStatus"]["overallStatus"] == "OK"
    assert full["failures"] == [{"arn": "arn:aws:ecs:us-east-1:000000000000:container-instance/default/" + "0" * 32,
                                 "reason": "MISSING"}]
    assert ecs.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "k", "value": "v"}]


def test_update_container_instances_state(server, ecs, aws):
    arns = fleet(server, cluster="d", count=2)
    out = aws("update-container-instances-state", "--cluster", "d", "--container-instances", arns[0],
              "0" * 32, "--status", "DRAINING")
    assert [c["status"] for c in out["containerInstances"]] == ["DRAINING"]
    assert out["failures"][0]["reason"] == "MISSING"
    assert ecs.describe_clusters(clusters=["d"])["clusters"][0]["registeredContainerInstancesCount"] == 2
    # Draining stops standalone placement onto it.
    td = simple_definition(ecs)
    tasks = ecs.run_task(cluster="d", taskDefinition=td, count=10)["tasks"]
    assert {t["containerInstanceArn"] for t in tasks} == {arns[1]}
    back = ecs.update_container_instances_state(cluster="d", containerInstances=[arns[0]], status="ACTIVE")
    assert back["containerInstances"][0]["status"] == "ACTIVE"
    with pytest.raises(ClientError) as e:
        ecs.update_container_instances_state(cluster="d", containerInstances=[arns[0]], status="INACTIVE")
    assert error_code(e) == "InvalidParameterException"


def test_update_container_agent_progresses_with_time(ephemeral_server):
    server, ecs = ephemeral_server, ephemeral_server.client()  # it moves simulated time
    current = ecs.register_container_instance(totalResources=resources(1024, 1024))
    with pytest.raises(ClientError) as e:
        ecs.update_container_agent(containerInstance=current["containerInstance"]["containerInstanceArn"])
    assert error_code(e) == "NoUpdateAvailableException"

    old = ecs.register_container_instance(totalResources=resources(1024, 1024),
                                          instanceIdentityDocument=identity_document("i-old", "us-east-1a"),
                                          versionInfo={"agentVersion": "1.60.0", "agentHash": "x",
                                                       "dockerVersion": "DockerVersion: 20.10"})
    arn = old["containerInstance"]["containerInstanceArn"]
    try:
        clock(server, "freeze")
        out = ecs.update_container_agent(containerInstance=arn)
        assert out["containerInstance"]["agentUpdateStatus"] == "PENDING"
        assert out["containerInstance"]["versionInfo"]["agentVersion"] == "1.60.0"
        with pytest.raises(ClientError) as e:
            ecs.update_container_agent(containerInstance=arn)
        assert error_code(e) == "UpdateInProgressException"
        clock(server, "advance", by="2s")
        ci = ecs.describe_container_instances(containerInstances=[arn])["containerInstances"][0]
        assert ci["agentUpdateStatus"] == "STAGED"
        clock(server, "advance", by="5s")
        ci = ecs.describe_container_instances(containerInstances=[arn])["containerInstances"][0]
        assert ci["agentUpdateStatus"] == "UPDATED"
        assert ci["versionInfo"]["agentVersion"] == "1.89.1"
    finally:
        clock(server, "release")


def test_discover_poll_endpoint_points_at_the_emulator(server, ecs, aws):
    out = ecs.discover_poll_endpoint(cluster="default")
    assert out["endpoint"] == server.url + "/"
    assert out["telemetryEndpoint"] == server.url + "/"
    assert aws("discover-poll-endpoint")["endpoint"] == server.url + "/"


def test_deregister_with_and_without_force(server, ecs, aws):
    arns = fleet(server, cluster="g", count=2)
    td = simple_definition(ecs, memory=512)
    run = ecs.run_task(cluster="g", taskDefinition=td, count=1,
                       placementConstraints=[{"type": "memberOf",
                                              "expression": "attribute:ecs.availability-zone == us-east-1a"}])
    task_arn = run["tasks"][0]["taskArn"]
    assert run["tasks"][0]["containerInstanceArn"] == arns[0]
    with pytest.raises(AwsCliError) as e:
        aws("deregister-container-instance", "--cluster", "g", "--container-instance", arns[0])
    assert e.value.code == "InvalidParameterException"
    out = aws("deregister-container-instance", "--cluster", "g", "--container-instance", arns[0], "--force")
    assert out["containerInstance"]["status"] == "INACTIVE"
    task = ecs.describe_tasks(cluster="g", tasks=[task_arn])["tasks"][0]
    assert task["desiredStatus"] == "STOPPED"
    ecs.get_waiter("tasks_stopped").wait(cluster="g", tasks=[task_arn], WaiterConfig={"Delay": 1})
    # Idle instance: no force needed.
    aws("deregister-container-instance", "--cluster", "g", "--container-instance", arns[1])
    assert ecs.list_container_instances(cluster="g")["containerInstanceArns"] == []
    described = ecs.describe_container_instances(cluster="g", containerInstances=arns)["containerInstances"]
    assert [c["status"] for c in described] == ["INACTIVE", "INACTIVE"]
    assert ecs.describe_clusters(clusters=["g"])["clusters"][0]["registeredContainerInstancesCount"] == 0
    ecs.delete_cluster(cluster="g")


def test_attributes_on_instances(server, ecs, aws):
    arns = fleet(server, cluster="a", count=2)
    aws("put-attributes", "--cluster", "a", "--attributes",
        f"name=stack,value=prod,targetId={arns[1]}")
    listed = ecs.list_attributes(cluster="a", targetType="container-instance", attributeName="stack")
    assert listed["attributes"] == [{"name": "stack", "value": "prod", "targetType": "container-instance",
                                     "targetId": arns[1]}]
    assert ecs.list_container_instances(cluster="a", filter="attribute:stack == prod")[
        "containerInstanceArns"] == [arns[1]]
    ecs.delete_attributes(cluster="a", attributes=[{"name": "stack", "targetId": arns[1]}])
    assert ecs.list_attributes(cluster="a", targetType="container-instance", attributeName="stack")[
        "attributes"] == []


def test_delete_cluster_with_instances_is_refused(server, ecs):
    fleet(server, cluster="busy", count=1)
    with pytest.raises(ClientError) as e:
        ecs.delete_cluster(cluster="busy")
    assert error_code(e) == "ClusterContainsContainerInstancesException"
    assert error_message(e) == "The Cluster cannot be deleted while Container Instances are active or draining."


def test_remaining_resources_after_reset_are_fresh(server, ecs):
    # /_emulator/reset wipes instances as well.
    fleet(server, cluster="default", count=1)
    server.reset()
    assert ecs.list_clusters()["clusterArns"] == []
    assert cluster_arn("default") not in ecs.list_clusters()["clusterArns"]


def test_update_container_agent_cli_on_newest_agent(ecs, aws):
    arn = ecs.register_container_instance(totalResources=resources(1024, 1024))["containerInstance"][
        "containerInstanceArn"]
    with pytest.raises(AwsCliError) as e:
        aws("update-container-agent", "--container-instance", arn)
    assert e.value.code == "NoUpdateAvailableException"


def test_submit_attachment_state_changes(ecs):
    ecs.create_cluster(clusterName="att")
    ecs.register_task_definition(family="fgatt", networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
                                 cpu="256", memory="512", containerDefinitions=[{"name": "a", "image": "x"}])
    task = ecs.run_task(cluster="att", taskDefinition="fgatt", launchType="FARGATE",
                        networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-1"]}})["tasks"][0]
    att = task["attachments"][0]["id"]
    arn = f"arn:aws:ecs:us-east-1:000000000000:attachment/{att}"
    out = ecs.submit_attachment_state_changes(cluster="att", attachments=[{"attachmentArn": arn, "status": "ATTACHED"}])
    assert out["acknowledgment"]
    described = ecs.describe_tasks(cluster="att", tasks=[task["taskArn"]])["tasks"][0]
    assert described["attachments"][0]["status"] == "ATTACHED"
    with pytest.raises(ClientError) as e:
        ecs.submit_attachment_state_changes(cluster="att", attachments=[
            {"attachmentArn": "arn:aws:ecs:us-east-1:000000000000:attachment/nope", "status": "ATTACHED"}])
    assert error_code(e) == "InvalidParameterException"


def test_register_into_a_deleted_default_cluster_recreates_it(ecs):
    ecs.create_cluster(clusterName="default")
    ecs.delete_cluster(cluster="default")
    ecs.register_container_instance(totalResources=resources(1024, 1024))
    assert ecs.describe_clusters(clusters=["default"])["clusters"][0]["status"] == "ACTIVE"
