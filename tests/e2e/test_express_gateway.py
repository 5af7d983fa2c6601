"""Express gateway services (issue #16, docs/operations.md B8) on the real binary, driven with
boto3 on the newest botocore ECS model (Debian's predates these operations) and, where it knows
the operations, the AWS CLI: CreateExpressGatewayService makes an ordinary Fargate service with
resourceManagementType ECS and simulated managed resources whose statuses move on a frozen,
advanced clock; UpdateExpressGatewayService rolls a new revision out through the service
scheduler; DeleteExpressGatewayService drains the service, then deprovisions the resources, then
the Express service is INACTIVE. Validation, errors and persistence across a restart."""
import re

import pytest
from botocore.exceptions import ClientError

from svchelpers import clock, describe, new_model_client

EXEC_ROLE = "arn:aws:iam::000000000000:role/ecsTaskExecutionRole"
INFRA_ROLE = "arn:aws:iam::000000000000:role/ecsInfrastructureRoleForExpressServices"
REGION_ACCOUNT = "us-east-1:000000000000"
ARN_FORMATS = {
    "loadBalancer": rf"arn:aws:elasticloadbalancing:{REGION_ACCOUNT}:loadbalancer/app/"
                    r"[a-z0-9-]{1,32}/[0-9a-f]{16}",
    "listener": rf"arn:aws:elasticloadbalancing:{REGION_ACCOUNT}:listener/app/"
                r"[a-z0-9-]{1,32}/[0-9a-f]{16}/[0-9a-f]{16}",
    "rule": rf"arn:aws:elasticloadbalancing:{REGION_ACCOUNT}:listener-rule/app/"
            r"[a-z0-9-]{1,32}/[0-9a-f]{16}/[0-9a-f]{16}/[0-9a-f]{16}",
    "targetGroup": rf"arn:aws:elasticloadbalancing:{REGION_ACCOUNT}:targetgroup/"
                   r"[a-z0-9-]{1,32}/[0-9a-f]{16}",
    "certificate": rf"arn:aws:acm:{REGION_ACCOUNT}:certificate/[0-9a-f-]{{36}}",
    "securityGroup": rf"arn:aws:ec2:{REGION_ACCOUNT}:security-group/sg-[0-9a-f]{{17}}",
    "scalableTarget": rf"arn:aws:application-autoscaling:{REGION_ACCOUNT}:scalable-target/"
                      r"[0-9a-f]{36}",
    "policy": rf"arn:aws:autoscaling:{REGION_ACCOUNT}:scalingPolicy:[0-9a-f-]{{36}}:"
              r"resource/ecs/service/default/web:policyName/.+",
    "alarm": rf"arn:aws:cloudwatch:{REGION_ACCOUNT}:alarm:.+",
    "logGroup": rf"arn:aws:logs:{REGION_ACCOUNT}:log-group:/aws/ecs/default/web",
}


@pytest.fixture
def express(emulators):
    emu = emulators()
    client = new_model_client(emu)
    if client is None or not hasattr(client, "create_express_gateway_service"):
        pytest.skip("no botocore model with the Express gateway operations on this machine")
    client.create_cluster(clusterName="default")
    return emu, client


def create(client, **kw):
    args = {"serviceName": "web", "executionRoleArn": EXEC_ROLE,
            "infrastructureRoleArn": INFRA_ROLE,
            "primaryContainer": {"image": "nginx:1", "containerPort": 8080},
            "scalingTarget": {"minTaskCount": 2, "maxTaskCount": 4},
            "tags": [{"key": "team", "value": "web"}], **kw}
    return client.create_express_gateway_service(**args)["service"]


def managed(client, revision_arn):
    out = client.describe_service_revisions(serviceRevisionArns=[revision_arn])
    assert out["failures"] == [], out
    return out["serviceRevisions"][0]["ecsManagedResources"]


def statuses(resources):
    """Every managed resource's status, by where the model shows it."""
    path = resources["ingressPaths"][0]
    out = {k: path[k]["status"] for k in ("loadBalancer", "certificate", "listener", "rule")}
    out["targetGroup"] = path["targetGroups"][0]["status"]
    out["loadBalancerSecurityGroup"] = path["loadBalancerSecurityGroups"][0]["status"]
    out["scalableTarget"] = resources["autoScaling"]["scalableTarget"]["status"]
    out["policy"] = resources["autoScaling"]["applicationAutoScalingPolicies"][0]["status"]
    out["alarm"] = resources["metricAlarms"][0]["status"]
    out["serviceSecurityGroup"] = resources["serviceSecurityGroups"][0]["status"]
    out["logGroup"] = resources["logGroups"][0]["status"]
    return out


def live_tasks(client, cluster="default"):
    arns = client.list_tasks(cluster=cluster, desiredStatus="RUNNING")["taskArns"]
    stopping = client.list_tasks(cluster=cluster, desiredStatus="STOPPED")["taskArns"]
    if not arns and not stopping:
        return []
    tasks = client.describe_tasks(cluster=cluster, tasks=arns + stopping)["tasks"]
    return [t for t in tasks if t["lastStatus"] != "STOPPED"]


def check_resource_formats(resources, endpoint):
    path = resources["ingressPaths"][0]
    assert path["accessType"] == "PUBLIC" and path["endpoint"] == endpoint
    assert re.fullmatch(ARN_FORMATS["loadBalancer"], path["loadBalancer"]["arn"])
    assert path["loadBalancer"]["scheme"] == "internet-facing"
    assert re.fullmatch(ARN_FORMATS["listener"], path["listener"]["arn"])
    assert re.fullmatch(ARN_FORMATS["rule"], path["rule"]["arn"])
    assert re.fullmatch(ARN_FORMATS["targetGroup"], path["targetGroups"][0]["arn"])
    assert re.fullmatch(ARN_FORMATS["certificate"], path["certificate"]["arn"])
    assert path["certificate"]["domainName"] == endpoint.removeprefix("https://")
    assert re.fullmatch(ARN_FORMATS["securityGroup"], path["loadBalancerSecurityGroups"][0]["arn"])
    scaling = resources["autoScaling"]
    assert re.fullmatch(ARN_FORMATS["scalableTarget"], scaling["scalableTarget"]["arn"])
    policy = scaling["applicationAutoScalingPolicies"][0]
    assert re.fullmatch(ARN_FORMATS["policy"], policy["arn"])
    assert (policy["policyType"], policy["targetValue"], policy["metric"]) == (
        "TargetTrackingScaling", 60.0, "ECSServiceAverageCPUUtilization")
    assert re.fullmatch(ARN_FORMATS["alarm"], resources["metricAlarms"][0]["arn"])
    assert re.fullmatch(ARN_FORMATS["securityGroup"], resources["serviceSecurityGroups"][0]["arn"])
    log = resources["logGroups"][0]
    assert re.fullmatch(ARN_FORMATS["logGroup"], log["arn"])
    assert log["logGroupName"] == "/aws/ecs/default/web"


def test_create_provisions_a_fargate_service_and_managed_resources_on_simulated_time(express):
    emu, client = express
    clock(emu, "freeze")
    svc = create(client)
    assert svc["status"]["statusCode"] == "ACTIVE"
    assert svc["serviceName"] == "web" and svc["infrastructureRoleArn"] == INFRA_ROLE
    assert svc["tags"] == [{"key": "team", "value": "web"}]
    [config] = svc["activeConfigurations"]
    # The model's documented defaults for what the request left out.
    assert (config["cpu"], config["memory"], config["healthCheckPath"]) == ("256", "512", "/ping")
    assert config["scalingTarget"] == {"minTaskCount": 2, "maxTaskCount": 4,
                                       "autoScalingMetric": "AVERAGE_CPU",
                                       "autoScalingTargetValue": 60}
    assert config["primaryContainer"] == {"image": "nginx:1", "containerPort": 8080}
    endpoint = config["ingressPaths"][0]["endpoint"]
    assert re.fullmatch(r"https://web-[0-9a-f]{8}\.ecs\.us-east-1\.on\.aws", endpoint)
    assert len(config["networkConfiguration"]["subnets"]) == 3  # the default VPC's

    ecs_svc = describe(client, "default", "web")
    assert ecs_svc["resourceManagementType"] == "ECS"
    assert ecs_svc["launchType"] == "FARGATE" and ecs_svc["desiredCount"] == 2
    assert ecs_svc["taskDefinition"].endswith(":task-definition/web:1")
    assert ecs_svc["networkConfiguration"]["awsvpcConfiguration"]["securityGroups"] == [
        sg.split("/")[-1] for sg in [managed(client, config["serviceRevisionArn"])[
            "serviceSecurityGroups"][0]["arn"]]]
    td = client.describe_task_definition(taskDefinition=ecs_svc["taskDefinition"])["taskDefinition"]
    assert td["requiresCompatibilities"] == ["FARGATE"] and td["networkMode"] == "awsvpc"
    assert td["executionRoleArn"] == EXEC_ROLE
    [container] = td["containerDefinitions"]
    assert container["image"] == "nginx:1"
    assert container["portMappings"][0]["containerPort"] == 8080
    assert container["logConfiguration"]["options"]["awslogs-group"] == "/aws/ecs/default/web"

    resources = managed(client, config["serviceRevisionArn"])
    check_resource_formats(resources, endpoint)
    assert set(statuses(resources).values()) == {"PROVISIONING"}
    [lb] = ecs_svc["loadBalancers"]
    assert lb["targetGroupArn"] == resources["ingressPaths"][0]["targetGroups"][0]["arn"]
    assert resources["ingressPaths"][0]["targetGroups"][0]["port"] == 8080
    assert resources["ingressPaths"][0]["targetGroups"][0]["healthCheckPath"] == "/ping"

    clock(emu, "advance", by="1s")
    assert set(statuses(managed(client, config["serviceRevisionArn"])).values()) == {"ACTIVE"}
    ecs_svc = describe(client, "default", "web")
    assert ecs_svc["runningCount"] == 2 and ecs_svc["status"] == "ACTIVE"
    assert client.list_services(cluster="default", resourceManagementType="ECS")[
        "serviceArns"] == [svc["serviceArn"]]
    assert client.list_services(cluster="default", resourceManagementType="CUSTOMER")[
        "serviceArns"] == []
    described = client.describe_express_gateway_service(serviceArn=svc["serviceArn"],
                                                         include=["TAGS"])["service"]
    assert described["tags"] == [{"key": "team", "value": "web"}]
    [deployment] = client.list_service_deployments(service="web", cluster="default")[
        "serviceDeployments"]
    assert described["currentDeployment"] == deployment["serviceDeploymentArn"]
    assert "tags" not in client.describe_express_gateway_service(
        serviceArn=svc["serviceArn"])["service"]


def test_update_rolls_a_new_revision_out_and_keeps_unset_members(express):
    emu, client = express
    clock(emu, "freeze")
    svc = create(client, healthCheckPath="/health", cpu="512", memory="1024")
    clock(emu, "advance", by="1s")
    updated = client.update_express_gateway_service(
        serviceArn=svc["serviceArn"], primaryContainer={"image": "nginx:2", "containerPort": 8080})
    updated = updated["service"]
    target = updated["targetConfiguration"]
    assert target["primaryContainer"]["image"] == "nginx:2"
    assert (target["cpu"], target["memory"], target["healthCheckPath"]) == ("512", "1024",
                                                                            "/health")
    assert target["scalingTarget"]["minTaskCount"] == 2
    assert updated["status"]["statusCode"] == "ACTIVE"
    ecs_svc = describe(client, "default", "web")
    assert [d["status"] for d in ecs_svc["deployments"]] == ["PRIMARY", "ACTIVE"]
    assert ecs_svc["deployments"][0]["taskDefinition"].endswith(":task-definition/web:2")
    during = client.describe_express_gateway_service(serviceArn=svc["serviceArn"])["service"]
    assert len(during["activeConfigurations"]) == 2

    clock(emu, "advance", by="5s")
    ecs_svc = describe(client, "default", "web")
    assert [d["status"] for d in ecs_svc["deployments"]] == ["PRIMARY"]
    assert ecs_svc["deployments"][0]["rolloutState"] == "COMPLETED"
    assert ecs_svc["runningCount"] == 2
    deployments = client.list_service_deployments(service="web", cluster="default")[
        "serviceDeployments"]
    assert deployments[0]["status"] == "SUCCESSFUL"
    after = client.describe_express_gateway_service(serviceArn=svc["serviceArn"])["service"]
    [active] = after["activeConfigurations"]
    assert active["primaryContainer"]["image"] == "nginx:2"
    assert active["serviceRevisionArn"] == target["serviceRevisionArn"]
    resources = managed(client, active["serviceRevisionArn"])
    assert resources["ingressPaths"][0]["targetGroups"][0]["healthCheckPath"] == "/health"

    # A scaling-only update keeps the image and moves the count into the new bounds.
    client.update_express_gateway_service(serviceArn=svc["serviceArn"],
                                           scalingTarget={"minTaskCount": 3, "maxTaskCount": 5})
    clock(emu, "advance", by="5s")
    ecs_svc = describe(client, "default", "web")
    assert ecs_svc["desiredCount"] == 3 and ecs_svc["runningCount"] == 3
    [active] = client.describe_express_gateway_service(
        serviceArn=svc["serviceArn"])["service"]["activeConfigurations"]
    assert active["primaryContainer"]["image"] == "nginx:2"
    assert managed(client, active["serviceRevisionArn"])["autoScaling"]["scalableTarget"][
        "minCapacity"] == 3


def test_delete_drains_then_deprovisions_then_is_inactive(express):
    emu, client = express
    clock(emu, "freeze")
    svc = create(client)
    clock(emu, "advance", by="1s")
    revision = svc["activeConfigurations"][0]["serviceRevisionArn"]
    deleted = client.delete_express_gateway_service(serviceArn=svc["serviceArn"])["service"]
    assert deleted["status"]["statusCode"] == "DRAINING"
    assert describe(client, "default", "web")["status"] == "DRAINING"
    assert set(statuses(managed(client, revision)).values()) == {"ACTIVE"}
    # Step a millisecond at a time: the resources go only once every task stopped.
    seen = []
    for _ in range(200):
        clock(emu, "advance", by="1ms")
        states = set(statuses(managed(client, revision)).values())
        code = client.describe_express_gateway_service(
            serviceArn=svc["serviceArn"])["service"]["status"]["statusCode"]
        tasks_left = len(live_tasks(client))
        if not seen or seen[-1] != (tasks_left > 0, tuple(sorted(states)), code):
            seen.append((tasks_left > 0, tuple(sorted(states)), code))
        if code == "INACTIVE":
            break
    assert seen[0] == (True, ("ACTIVE",), "DRAINING"), seen
    assert (False, ("DEPROVISIONING",), "DRAINING") in seen, seen
    assert seen[-1] == (False, ("DELETED",), "INACTIVE"), seen
    first_deprovisioning = seen.index((False, ("DEPROVISIONING",), "DRAINING"))
    assert all(not left for left, _, _ in seen[first_deprovisioning:]), seen
    assert describe(client, "default", "web")["status"] == "INACTIVE"
    for call in (client.delete_express_gateway_service, client.update_express_gateway_service):
        with pytest.raises(ClientError) as err:
            call(serviceArn=svc["serviceArn"])
        assert err.value.response["Error"]["Code"] == "ServiceNotActiveException"


def test_delete_service_on_an_express_service_tears_its_resources_down(express):
    emu, client = express
    svc = create(client)
    client.delete_service(cluster="default", service="web", force=True)
    out = client.describe_express_gateway_service(serviceArn=svc["serviceArn"])["service"]
    assert out["status"]["statusCode"] == "INACTIVE"
    revision = svc["activeConfigurations"][0]["serviceRevisionArn"]
    assert set(statuses(managed(client, revision)).values()) == {"DELETED"}


def test_errors_and_validation_change_nothing(express):
    emu, client = express

    def code(call, **kw):
        with pytest.raises(ClientError) as err:
            call(**kw)
        return err.value.response["Error"]["Code"], err.value.response["Error"]["Message"]

    bad = [
        ({"healthCheckPath": "ping"}, "healthCheckPath"),
        ({"scalingTarget": {"minTaskCount": 5, "maxTaskCount": 2}}, "minTaskCount"),
        ({"scalingTarget": {"autoScalingTargetValue": 0}}, "autoScalingTargetValue"),
        ({"primaryContainer": {"image": "nginx", "containerPort": 70000}}, "containerPort"),
        ({"infrastructureRoleArn": "not-a-role"}, "infrastructureRoleArn"),
        ({"cpu": "256", "memory": "4096"}, "memory"),
        ({"serviceName": "bad name"}, "Service name"),
    ]
    for extra, word in bad:
        c, message = code(create, client=client, **extra)
        assert c in ("InvalidParameterException", "ClientException"), (extra, c, message)
        assert word.lower() in message.lower() or c == "ClientException", (extra, message)
    c, _ = code(create, client=client, cluster="nowhere")
    assert c == "ClusterNotFoundException"
    assert client.list_services(cluster="default")["serviceArns"] == []
    assert client.list_task_definitions()["taskDefinitionArns"] == []

    missing = "arn:aws:ecs:us-east-1:000000000000:service/default/ghost"
    assert code(client.describe_express_gateway_service, serviceArn=missing)[0] == \
        "ResourceNotFoundException"
    assert code(client.update_express_gateway_service, serviceArn=missing)[0] == \
        "ServiceNotFoundException"
    assert code(client.delete_express_gateway_service, serviceArn=missing)[0] == \
        "ServiceNotFoundException"
    create(client)
    assert code(create, client=client)[0] == "InvalidParameterException"  # name taken
    # An ordinary service is not an Express service.
    client.register_task_definition(family="plain", containerDefinitions=[
        {"name": "app", "image": "nginx", "memory": 64}])
    plain = client.create_service(cluster="default", serviceName="plain", taskDefinition="plain",
                                  desiredCount=0)["service"]
    assert plain["resourceManagementType"] == "CUSTOMER"
    c, message = code(client.update_express_gateway_service, serviceArn=plain["serviceArn"])
    assert c == "InvalidParameterException" and "not an Express service" in message


def test_raw_requests_missing_required_members(express, raw):
    emu, _ = express
    status, _, body = emu.raw("CreateExpressGatewayService",
                              {"executionRoleArn": EXEC_ROLE, "infrastructureRoleArn": INFRA_ROLE})
    assert status == 400 and b"primaryContainer" in body
    status, _, body = emu.raw("CreateExpressGatewayService",
                              {"infrastructureRoleArn": INFRA_ROLE,
                               "primaryContainer": {"image": "nginx"}})
    assert status == 400 and b"executionRoleArn" in body
    status, _, body = emu.raw("DescribeExpressGatewayService", {})
    assert status == 400 and b"serviceArn" in body


def test_generated_name_and_the_cli_sees_the_service(express, aws):
    emu, client = express
    svc = client.create_express_gateway_service(
        executionRoleArn=EXEC_ROLE, infrastructureRoleArn=INFRA_ROLE,
        primaryContainer={"image": "nginx"})["service"]
    assert re.fullmatch(r"express-service-[0-9a-f]{12}", svc["serviceName"])
    out = aws.__class__(emu)("describe-services", "--cluster", "default", "--services",
                             svc["serviceArn"])
    assert out["services"][0]["serviceName"] == svc["serviceName"]
    assert out["services"][0]["launchType"] == "FARGATE"


def test_state_survives_a_restart(express):
    emu, client = express
    clock(emu, "freeze")
    svc = create(client)
    clock(emu, "advance", by="1s")
    before = client.describe_express_gateway_service(serviceArn=svc["serviceArn"],
                                                     include=["TAGS"])["service"]
    revision = before["activeConfigurations"][0]["serviceRevisionArn"]
    resources = managed(client, revision)
    emu.restart()
    client = new_model_client(emu)
    after = client.describe_express_gateway_service(serviceArn=svc["serviceArn"],
                                                    include=["TAGS"])["service"]
    assert after == before
    assert managed(client, revision) == resources
    updated = client.update_express_gateway_service(
        serviceArn=svc["serviceArn"], primaryContainer={"image": "nginx:3"})["service"]
    assert updated["targetConfiguration"]["primaryContainer"] == {"image": "nginx:3"}
    assert updated["targetConfiguration"]["scalingTarget"]["minTaskCount"] == 2
