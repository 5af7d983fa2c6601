"""Services end to end with the AWS CLI v2 and boto3: the create → stable → update → stable →
scale → delete → inactive lifecycle, what Terraform reads back, listing and paging, the
service-deployment history API, and a Fargate service."""
import datetime
import json
import time

import pytest
from botocore.exceptions import ClientError

from conftest import cluster_arn, error_code, error_message
from svchelpers import (AZS, admin, az_counts, definition, describe, fargate_definition, fleet,
                        is_stable, new_model_client, service_tasks, wait_stable, wait_until)

ARN = "arn:aws:ecs:us-east-1:000000000000"


@pytest.fixture
def cluster(ecs, server):
    ecs.create_cluster(clusterName="svc")
    fleet(server, cluster="svc", count=6)
    return "svc"


def test_cli_lifecycle_create_stable_update_scale_delete_inactive(aws, ecs, cluster):
    v1 = definition(ecs, "web")
    created = aws("create-service", "--cluster", cluster, "--service-name", "web",
                  "--task-definition", "web", "--desired-count", "6")["service"]
    assert created["status"] == "ACTIVE"
    assert created["taskDefinition"] == v1  # the family resolved to the full ARN
    assert [d["status"] for d in created["deployments"]] == ["PRIMARY"]
    assert created["deployments"][0]["rolloutState"] == "IN_PROGRESS"
    # Default waiter settings (first poll at once, then every 15 s): stable by the 2nd poll.
    t0 = time.monotonic()
    aws("wait", "services-stable", "--cluster", cluster, "--services", "web")
    assert time.monotonic() - t0 < 20
    svc = describe(ecs, cluster, "web")
    assert svc["runningCount"] == 6 and svc["pendingCount"] == 0
    assert az_counts(service_tasks(ecs, cluster, "web")) == {az: 2 for az in AZS}
    assert svc["deployments"][0]["rolloutState"] == "COMPLETED"

    v2 = definition(ecs, "web", cpu=64)
    updated = aws("update-service", "--cluster", cluster, "--service", "web",
                  "--task-definition", "web:2")["service"]
    assert updated["taskDefinition"] == v2
    assert [d["status"] for d in updated["deployments"]] == ["PRIMARY", "ACTIVE"]
    primary = updated["deployments"][0]
    assert primary["rolloutStateReason"] == f"ECS deployment {primary['id']} in progress."
    wait_stable(ecs, cluster, "web")
    aws("wait", "services-stable", "--cluster", cluster, "--services", "web")
    svc = describe(ecs, cluster, "web")
    assert len(svc["deployments"]) == 1
    dep = svc["deployments"][0]
    assert dep["id"] == primary["id"] and dep["taskDefinition"] == v2
    assert dep["rolloutState"] == "COMPLETED"
    assert dep["rolloutStateReason"] == f"ECS deployment {dep['id']} completed."
    assert (dep["desiredCount"], dep["runningCount"], dep["pendingCount"]) == (6, 6, 0)
    tasks = service_tasks(ecs, cluster, "web")
    assert {t["taskDefinitionArn"] for t in tasks} == {v2}
    assert {t["startedBy"] for t in tasks} == {dep["id"]}
    assert {t["group"] for t in tasks} == {"service:web"}
    assert az_counts(tasks) == {az: 2 for az in AZS}
    messages = [e["message"] for e in svc["events"]]
    assert messages[0] == "(service web) has reached a steady state."
    assert messages[1] == f"(service web) (deployment {dep['id']}) deployment completed."

    aws("update-service", "--cluster", cluster, "--service", "web", "--desired-count", "3")
    wait_stable(ecs, cluster, "web")
    aws("wait", "services-stable", "--cluster", cluster, "--services", "web")
    svc = describe(ecs, cluster, "web")
    assert (svc["desiredCount"], svc["runningCount"]) == (3, 3)
    assert az_counts(service_tasks(ecs, cluster, "web")) == {az: 1 for az in AZS}
    stopped = service_tasks(ecs, cluster, "web", desired="STOPPED")
    scaled_in = [t for t in stopped if t["taskDefinitionArn"] == v2]
    assert len(scaled_in) == 3
    for t in scaled_in:
        assert t["stopCode"] == "ServiceSchedulerInitiated"
        assert t["stoppedReason"] == f"Scaling activity initiated by (deployment {dep['id']})"

    p = aws.run("delete-service", "--cluster", cluster, "--service", "web")
    assert p.returncode != 0 and "InvalidParameterException" in p.stderr
    assert "The service cannot be stopped while it is scaled above 0." in p.stderr
    deleted = aws("delete-service", "--cluster", cluster, "--service", "web", "--force")["service"]
    assert deleted["status"] in ("DRAINING", "INACTIVE") and deleted["desiredCount"] == 0
    aws("wait", "services-inactive", "--cluster", cluster, "--services", "web")
    svc = describe(ecs, cluster, "web")
    assert svc["status"] == "INACTIVE"
    assert ecs.list_services(cluster=cluster)["serviceArns"] == []
    c = ecs.describe_clusters(clusters=[cluster])["clusters"][0]
    assert c["activeServicesCount"] == 0
    # The name is free again.
    again = ecs.create_service(cluster=cluster, serviceName="web", taskDefinition="web:1",
                               desiredCount=1)["service"]
    assert again["status"] == "ACTIVE" and again["taskDefinition"] == v1


def test_boto3_rolling_update_ends_with_one_deployment_and_history(ecs, server, cluster):
    definition(ecs, "api")
    ecs.create_service(cluster=cluster, serviceName="api", taskDefinition="api", desiredCount=4,
                       deploymentConfiguration={"minimumHealthyPercent": 50,
                                                "maximumPercent": 200})
    first = wait_stable(ecs, cluster, "api")["deployments"][0]
    v2 = definition(ecs, "api", cpu=64)
    # botocore 1.29 sends createdAt filters in whole seconds: move the simulated clock past the
    # next whole second so "after the first deployment" is expressible.
    assert admin(server, "clock", {"action": "advance", "by": "1500ms"})[0] == 200
    before_update = first["createdAt"].replace(microsecond=0) + datetime.timedelta(seconds=1)
    out = ecs.update_service(cluster=cluster, service="api", taskDefinition=v2)["service"]
    new_id = out["deployments"][0]["id"]
    old = out["deployments"][1]
    assert old["id"] == first["id"] and old["status"] == "ACTIVE"
    client = new_model_client(server)
    if client is None:
        pytest.skip("no botocore with ListServiceDeployments on this machine")
    # Read through the newest model: botocore 1.29 drops currentServiceDeployment and
    # currentServiceRevisions from what it parses.
    svc = wait_stable(client, cluster, "api")
    assert [d["id"] for d in svc["deployments"]] == [new_id]
    # currentServiceDeployment / currentServiceRevisions point at the new deployment.
    assert svc["currentServiceDeployment"].startswith(
        f"{ARN}:service-deployment/{cluster}/api/")
    revs = svc["currentServiceRevisions"]
    assert [r["arn"] for r in revs] == [
        f"{ARN}:service-revision/{cluster}/api/{new_id.split('/')[1]}"]
    assert (revs[0]["requestedTaskCount"], revs[0]["runningTaskCount"]) == (4, 4)

    # What the Terraform provider does after an apply: deployments created after the apply,
    # the one whose target revision carries the PRIMARY's id digits, then describe until done.
    listed = client.list_service_deployments(cluster=cluster, service="api",
                                             createdAt={"after": before_update})
    briefs = listed["serviceDeployments"]
    assert len(briefs) == 1
    brief = briefs[0]
    assert brief["targetServiceRevisionArn"].endswith("/" + new_id.split("/")[1])
    assert brief["status"] == "SUCCESSFUL"
    assert brief["serviceArn"] == f"{ARN}:service/{cluster}/api"
    assert brief["clusterArn"] == cluster_arn(cluster)
    assert brief["serviceDeploymentArn"] == svc["currentServiceDeployment"]
    full = client.describe_service_deployments(serviceDeploymentArns=[brief["serviceDeploymentArn"]])
    assert full["failures"] == []
    sd = full["serviceDeployments"][0]
    assert sd["status"] == "SUCCESSFUL"
    assert sd["targetServiceRevision"]["arn"] == brief["targetServiceRevisionArn"]
    assert sd["sourceServiceRevisions"][0]["arn"].endswith("/" + first["id"].split("/")[1])
    assert sd["deploymentConfiguration"]["minimumHealthyPercent"] == 50
    assert "finishedAt" in sd
    everything = client.list_service_deployments(cluster=cluster, service="api")
    assert [b["status"] for b in everything["serviceDeployments"]] == ["SUCCESSFUL", "SUCCESSFUL"]
    revisions = client.describe_service_revisions(
        serviceRevisionArns=[brief["targetServiceRevisionArn"]])["serviceRevisions"]
    assert revisions[0]["taskDefinition"] == v2
    missing = client.describe_service_deployments(
        serviceDeploymentArns=[f"{ARN}:service-deployment/{cluster}/api/nope"])
    assert missing["failures"][0]["reason"] == "MISSING"


def test_service_deployment_in_progress_then_successful(ecs, server, cluster):
    """DescribeServiceDeployments polled until SUCCESSFUL, as Terraform's wait does."""
    client = new_model_client(server)
    if client is None:
        pytest.skip("no botocore with ListServiceDeployments on this machine")
    definition(ecs, "poll")
    t0 = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=0.5)
    ecs.create_service(cluster=cluster, serviceName="poll", taskDefinition="poll", desiredCount=2)
    arn = client.list_service_deployments(cluster=cluster, service="poll",
                                          createdAt={"after": t0})["serviceDeployments"][0][
        "serviceDeploymentArn"]
    seen = []

    def status():
        s = client.describe_service_deployments(serviceDeploymentArns=[arn])[
            "serviceDeployments"][0]["status"]
        if not seen or seen[-1] != s:
            seen.append(s)
        return s == "SUCCESSFUL"

    wait_until(status, timeout=10, interval=0.02, what="deployment SUCCESSFUL")
    assert seen[-1] == "SUCCESSFUL" and set(seen) <= {"IN_PROGRESS", "SUCCESSFUL"}


def test_terraform_read_back(server, cluster):
    # The newest model: botocore 1.29 does not know availabilityZoneRebalancing, which the
    # provider reads back.
    ecs = new_model_client(server)
    if ecs is None:
        pytest.skip("no botocore with availabilityZoneRebalancing on this machine")
    td = definition(ecs, "tf")
    strategy = [{"type": "spread", "field": "attribute:ecs.availability-zone"},
                {"type": "binpack", "field": "memory"}, {"type": "spread", "field": "instanceId"}]
    created = ecs.create_service(
        cluster=cluster, serviceName="tf", taskDefinition="tf", desiredCount=2, launchType="EC2",
        capacityProviderStrategy=[], schedulingStrategy="REPLICA",
        deploymentConfiguration={"minimumHealthyPercent": 50, "maximumPercent": 150,
                                 "deploymentCircuitBreaker": {"enable": True, "rollback": True}},
        placementStrategy=strategy,
        placementConstraints=[{"type": "memberOf",
                               "expression": "attribute:ecs.availability-zone in [us-east-1a, us-east-1b, us-east-1c]"}],
        healthCheckGracePeriodSeconds=0, enableECSManagedTags=True, propagateTags="SERVICE",
        tags=[{"key": "team", "value": "core"}],
    )["service"]
    for svc in (created, describe(ecs, cluster, "tf")):
        assert svc["launchType"] == "EC2"
        assert "capacityProviderStrategy" not in svc or svc["capacityProviderStrategy"] == []
        assert svc["schedulingStrategy"] == "REPLICA"
        dc = svc["deploymentConfiguration"]
        assert (dc["minimumHealthyPercent"], dc["maximumPercent"]) == (50, 150)
        assert dc["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
        assert svc["placementStrategy"] == strategy
        assert svc["placementConstraints"][0]["type"] == "memberOf"
        assert svc["availabilityZoneRebalancing"] == "ENABLED"
        assert svc["taskDefinition"] == td
        assert "networkConfiguration" not in svc  # an empty object crashes the provider
        assert svc["deploymentController"] == {"type": "ECS"}
        assert svc["enableECSManagedTags"] is True and svc["propagateTags"] == "SERVICE"
        assert svc["healthCheckGracePeriodSeconds"] == 0
        assert svc["loadBalancers"] == [] and svc["serviceRegistries"] == []
        assert "networkConfiguration" not in svc["deployments"][0]
    tagged = ecs.describe_services(cluster=cluster, services=["tf"], include=["TAGS"])["services"][0]
    assert tagged["tags"] == [{"key": "team", "value": "core"}]
    assert "tags" not in describe(ecs, cluster, "tf")
    # Update with a different order is echoed as given; [] clears.
    ecs.update_service(cluster=cluster, service="tf", placementStrategy=strategy[::-1],
                       availabilityZoneRebalancing="DISABLED")
    svc = describe(ecs, cluster, "tf")
    assert svc["placementStrategy"] == strategy[::-1]
    assert svc["availabilityZoneRebalancing"] == "DISABLED"
    ecs.update_service(cluster=cluster, service="tf", placementStrategy=[])
    assert describe(ecs, cluster, "tf")["placementStrategy"] == []
    # Propagated and managed tags on the service's tasks.
    wait_stable(ecs, cluster, "tf")
    task = service_tasks(ecs, cluster, "tf")[0]
    tags = {t["key"]: t["value"] for t in
            ecs.list_tags_for_resource(resourceArn=task["taskArn"])["tags"]}
    assert tags["team"] == "core"
    assert tags["aws:ecs:serviceName"] == "tf" and tags["aws:ecs:clusterName"] == cluster


def test_create_and_update_errors(ecs, cluster):
    definition(ecs, "err")
    ecs.create_service(cluster=cluster, serviceName="err", taskDefinition="err", desiredCount=0)
    with pytest.raises(ClientError) as e:
        ecs.create_service(cluster=cluster, serviceName="err", taskDefinition="err", desiredCount=0)
    assert error_code(e) == "InvalidParameterException"
    assert error_message(e) == "Creation of service was not idempotent."
    with pytest.raises(ClientError) as e:
        ecs.create_service(cluster=cluster, serviceName="d", taskDefinition="err", desiredCount=1,
                           schedulingStrategy="DAEMON")
    assert error_code(e) == "InvalidParameterException"
    with pytest.raises(ClientError) as e:
        ecs.create_service(cluster=cluster, serviceName="x", taskDefinition="nope:1", desiredCount=1)
    assert error_code(e) == "ClientException"
    assert error_message(e) == "TaskDefinition not found."
    with pytest.raises(ClientError) as e:
        ecs.create_service(cluster=cluster, serviceName="x", taskDefinition="err", desiredCount=1,
                           launchType="EC2",
                           capacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1}])
    assert error_code(e) == "InvalidParameterException"
    with pytest.raises(ClientError) as e:
        ecs.update_service(cluster=cluster, service="ghost", desiredCount=1)
    assert error_code(e) == "ServiceNotFoundException"
    assert error_message(e) == "Service not found."
    ecs.delete_service(cluster=cluster, service="err")
    with pytest.raises(ClientError) as e:
        ecs.update_service(cluster=cluster, service="err", desiredCount=1)
    assert error_code(e) == "ServiceNotActiveException"
    assert error_message(e) == "Service was not ACTIVE."
    with pytest.raises(ClientError) as e:
        ecs.create_service(cluster="nope", serviceName="x", taskDefinition="err", desiredCount=1)
    assert error_code(e) == "ClusterNotFoundException"


def test_strategy_members_are_refused_where_they_do_not_belong(ecs, server, cluster):
    # Members of one strategy are never accepted and ignored under another (the strategies
    # themselves: tests/e2e/test_blue_green.py and test_canary_linear.py).
    # Raw requests: the clients' models on a bookworm machine predate these members.
    definition(ecs, "bg")

    def call(op, body):
        status, _, raw = server.raw(op, {"cluster": cluster, **body})
        return status, json.loads(raw)

    create = {"serviceName": "bg", "taskDefinition": "bg", "desiredCount": 0}
    for strategy, member in (("LINEAR", "canaryConfiguration"), ("CANARY", "linearConfiguration")):
        status, out = call("CreateService", {**create, "deploymentConfiguration": {
            "strategy": strategy, member: {}}})
        assert status == 400 and out["__type"] == "InvalidParameterException", out
        assert f"{member} is only valid with the" in out["message"], out
    status, out = call("CreateService", {**create, "deploymentConfiguration": {
        "strategy": "ROLLING", "bakeTimeInMinutes": 5}})
    assert status == 400 and "bakeTimeInMinutes" in out["message"], out
    status, out = call("CreateService", {**create, "deploymentConfiguration": {
        "strategy": "BLUE_GREEN", "bakeTimeInMinutes": 5, "canaryConfiguration": {}}})
    assert status == 400 and "canaryConfiguration is only valid with the CANARY" in out["message"], out
    status, out = call("CreateService", {**create, "deploymentConfiguration": {
        "strategy": "BLUE_GREEN", "bakeTimeInMinutes": 5, "lifecycleHooks": [{
            "hookTargetArn": "arn:aws:lambda:us-east-1:000000000000:function:f",
            "lifecycleStages": ["POST_SCALE_UP"]}]}})
    # AWS_LAMBDA hooks are simulated (tests/e2e/test_deployment_hooks_alarms.py); without a
    # roleArn one is refused, and nothing is created.
    assert status == 400 and "roleArn is required" in out["message"], out
    assert ecs.describe_services(cluster=cluster, services=["bg"])["failures"][0]["reason"] == "MISSING"
    # ROLLING itself is served, and UpdateService refuses a switch without changing anything.
    status, out = call("CreateService", {**create, "deploymentConfiguration": {"strategy": "ROLLING"}})
    assert status == 200 and out["service"]["deploymentConfiguration"]["strategy"] == "ROLLING", out
    status, out = call("UpdateService", {"service": "bg", "desiredCount": 1,
                                         "deploymentConfiguration": {
                                             "strategy": "LINEAR",
                                             "linearConfiguration": {"stepPercent": 2.0}}})
    assert status == 400 and out["__type"] == "InvalidParameterException", out
    assert describe(ecs, cluster, "bg")["desiredCount"] == 0


def test_describe_services_missing_limits_and_other_clusters(ecs, cluster):
    definition(ecs, "d")
    ecs.create_service(cluster=cluster, serviceName="here", taskDefinition="d", desiredCount=0)
    ecs.create_cluster(clusterName="other")
    out = ecs.describe_services(cluster=cluster, services=[
        "here", "ghost", f"{ARN}:service/{cluster}/here", f"{ARN}:service/other/here"])
    assert [s["serviceName"] for s in out["services"]] == ["here"]
    assert out["failures"] == [
        {"arn": f"{ARN}:service/{cluster}/ghost", "reason": "MISSING"},
        {"arn": f"{ARN}:service/other/here", "reason": "MISSING"},
    ]
    with pytest.raises(ClientError) as e:
        ecs.describe_services(cluster=cluster, services=[f"s{i}" for i in range(11)])
    assert error_code(e) == "InvalidParameterException"
    with pytest.raises(ClientError) as e:
        ecs.describe_services(cluster="nope", services=["here"])
    assert error_code(e) == "ClusterNotFoundException"
    # A service with desiredCount 0 is stable at once, with its deployment listed.
    svc = describe(ecs, cluster, "here")
    assert svc["deployments"][0]["status"] == "PRIMARY"
    assert svc["events"] == [] or svc["events"][0]["message"].startswith("(service here)")


def test_list_services_pages_of_ten_filters_and_namespace(ecs, server):
    ecs.create_cluster(clusterName="many", serviceConnectDefaults={"namespace": "corp"})
    definition(ecs, "l")
    fargate_definition(ecs, "lf")
    names = [f"s{i:02d}" for i in range(12)]
    for n in names:
        ecs.create_service(cluster="many", serviceName=n, taskDefinition="l", desiredCount=0)
    ecs.create_service(cluster="many", serviceName="fg", taskDefinition="lf", desiredCount=0,
                       launchType="FARGATE",
                       networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-1"]}})
    ecs.create_service(cluster="many", serviceName="daemon", taskDefinition="l",
                       schedulingStrategy="DAEMON")
    ecs.create_service(cluster="many", serviceName="meshed", taskDefinition="l", desiredCount=0,
                       serviceConnectConfiguration={"enabled": True, "namespace": "corp"})
    first = ecs.list_services(cluster="many")
    assert len(first["serviceArns"]) == 10  # the default page is 10, not 100
    assert first["serviceArns"][0] == f"{ARN}:service/many/s00"
    assert "nextToken" in first
    everything = [a for p in ecs.get_paginator("list_services").paginate(cluster="many")
                  for a in p["serviceArns"]]
    assert len(everything) == 15 and len(set(everything)) == 15
    small = [len(p["serviceArns"]) for p in ecs.get_paginator("list_services").paginate(
        cluster="many", PaginationConfig={"PageSize": 4})]
    assert small == [4, 4, 4, 3]
    fargate = ecs.list_services(cluster="many", launchType="FARGATE")["serviceArns"]
    assert fargate == [f"{ARN}:service/many/fg"]
    daemons = ecs.list_services(cluster="many", schedulingStrategy="DAEMON")["serviceArns"]
    assert daemons == [f"{ARN}:service/many/daemon"]
    with pytest.raises(ClientError) as e:
        ecs.list_services(cluster="many", maxResults=101)
    assert error_code(e) == "InvalidParameterException"
    by_ns = ecs.list_services_by_namespace(namespace="corp")
    assert by_ns["serviceArns"] == [f"{ARN}:service/many/meshed"]
    with pytest.raises(ClientError) as e:
        ecs.list_services_by_namespace(namespace="nowhere")
    assert error_code(e) == "NamespaceNotFoundException"


def test_fargate_service_reaches_steady_state(ecs, aws):
    ecs.create_cluster(clusterName="fg")
    td = fargate_definition(ecs, "fgweb")
    net = {"awsvpcConfiguration": {"subnets": ["subnet-a1", "subnet-b2"],
                                   "securityGroups": ["sg-1"]}}
    created = ecs.create_service(cluster="fg", serviceName="web", taskDefinition="fgweb",
                                 desiredCount=2, launchType="FARGATE",
                                 networkConfiguration=net)["service"]
    assert created["launchType"] == "FARGATE"
    assert created["platformVersion"] == "LATEST"
    assert created["networkConfiguration"]["awsvpcConfiguration"] == {
        **net["awsvpcConfiguration"], "assignPublicIp": "DISABLED"}
    wait_stable(ecs, "fg", "web")
    aws("wait", "services-stable", "--cluster", "fg", "--services", "web")
    svc = describe(ecs, "fg", "web")
    dep = svc["deployments"][0]
    assert dep["launchType"] == "FARGATE" and dep["platformVersion"] == "1.4.0"
    assert dep["networkConfiguration"] == svc["networkConfiguration"]
    tasks = service_tasks(ecs, "fg", "web")
    assert len(tasks) == 2
    for t in tasks:
        assert t["launchType"] == "FARGATE" and t["taskDefinitionArn"] == td
        assert t["attachments"][0]["type"] == "ElasticNetworkInterface"
    c = ecs.describe_clusters(clusters=["fg"])["clusters"][0]
    assert c["activeServicesCount"] == 1
    # Missing networkConfiguration for awsvpc is refused.
    with pytest.raises(ClientError) as e:
        ecs.create_service(cluster="fg", serviceName="nonet", taskDefinition="fgweb",
                           desiredCount=1, launchType="FARGATE")
    assert error_code(e) == "InvalidParameterException"


def test_capacity_provider_strategy_service(ecs):
    ecs.create_cluster(clusterName="cp", capacityProviders=["FARGATE", "FARGATE_SPOT"])
    fargate_definition(ecs, "cpweb")
    strategy = [{"capacityProvider": "FARGATE", "weight": 1, "base": 1},
                {"capacityProvider": "FARGATE_SPOT", "weight": 3, "base": 0}]
    svc = ecs.create_service(cluster="cp", serviceName="web", taskDefinition="cpweb",
                             desiredCount=1, capacityProviderStrategy=strategy,
                             networkConfiguration={"awsvpcConfiguration": {"subnets": ["s-1"]}})[
        "service"]
    assert svc["capacityProviderStrategy"] == strategy
    assert "launchType" not in svc
    wait_stable(ecs, "cp", "web")
    task = service_tasks(ecs, "cp", "web")[0]
    assert task["launchType"] == "FARGATE"
    assert task.get("capacityProviderName") in ("FARGATE", "FARGATE_SPOT")


def test_service_survives_kill9_and_keeps_scheduling(ecs, server, cluster):
    definition(ecs, "keep")
    ecs.create_service(cluster=cluster, serviceName="keep", taskDefinition="keep", desiredCount=3)
    before = wait_stable(ecs, cluster, "keep")
    tasks_before = sorted(t["taskArn"] for t in service_tasks(ecs, cluster, "keep"))
    assert len(tasks_before) == 3

    server.kill9()  # acknowledged writes only: no graceful shutdown
    server.start()
    ecs = server.client()
    after = describe(ecs, cluster, "keep")
    for key in ("serviceArn", "status", "desiredCount", "runningCount", "pendingCount",
                "taskDefinition", "deploymentConfiguration", "createdAt"):
        assert after[key] == before[key], key
    assert [(d["id"], d["status"], d["rolloutState"]) for d in after["deployments"]] == \
        [(d["id"], d["status"], d["rolloutState"]) for d in before["deployments"]]
    assert after["events"][0]["message"] == before["events"][0]["message"]
    assert sorted(t["taskArn"] for t in service_tasks(ecs, cluster, "keep")) == tasks_before

    # The scheduler picks the service up again: scale out, and a stopped task is replaced.
    ecs.update_service(cluster=cluster, service="keep", desiredCount=4)
    ecs.stop_task(cluster=cluster, task=tasks_before[0], reason="after restart")
    svc = wait_until(lambda: (lambda s: s if is_stable(s) and s["runningCount"] == 4
                              and s["pendingCount"] == 0 else None)(describe(ecs, cluster, "keep")),
                     timeout=15, what="service keep back to 4 running")
    live = {t["taskArn"] for t in service_tasks(ecs, cluster, "keep")}
    assert len(live) == 4 and tasks_before[0] not in live
    assert svc["deployments"][0]["id"] == before["deployments"][0]["id"]
