"""Auto Scaling group capacity providers end to end with boto3 and the AWS CLI v2: create with
the model's defaults, ECS's errors (reserved prefixes, duplicate names and groups, termination
protection without managed scaling), Describe by name or ARN
with MISSING failures, TAGS and pagination, update, association with one cluster, no mix with
Fargate, delete (DELETE_FAILED while associated; DELETE_IN_PROGRESS then INACTIVE /
DELETE_COMPLETE), and the providers surviving a restart."""
import pytest
from botocore.exceptions import ClientError

from conftest import error_code, error_message
from svchelpers import fargate_definition, new_model_client

ARN = "arn:aws:ecs:us-east-1:000000000000"
GROUP = "arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroup:0f1e:autoScalingGroupName/"
NET = {"awsvpcConfiguration": {"subnets": ["subnet-1"]}}
DEFAULT_SCALING = {"status": "DISABLED", "targetCapacity": 100, "minimumScalingStepSize": 1,
                   "maximumScalingStepSize": 10000, "instanceWarmupPeriod": 300}


def create(ecs, name, group=None, **asg):
    provider = {"autoScalingGroupArn": GROUP + (group or name), **asg}
    return ecs.create_capacity_provider(name=name, autoScalingGroupProvider=provider)[
        "capacityProvider"]


def refused(call, **kw):
    with pytest.raises(ClientError) as e:
        call(**kw)
    return error_code(e), error_message(e)


def test_create_fills_defaults_and_describes(ecs, server):
    cp = ecs.create_capacity_provider(
        name="web-cp", autoScalingGroupProvider={"autoScalingGroupArn": GROUP + "web"},
        tags=[{"key": "team", "value": "a"}])["capacityProvider"]
    # botocore 1.29 knows neither managedDraining nor type; the newest model checks them below.
    assert cp == {
        "capacityProviderArn": f"{ARN}:capacity-provider/web-cp", "name": "web-cp",
        "status": "ACTIVE",
        "autoScalingGroupProvider": {"autoScalingGroupArn": GROUP + "web",
                                     "managedScaling": DEFAULT_SCALING,
                                     "managedTerminationProtection": "DISABLED"},
        "tags": [{"key": "team", "value": "a"}]}
    newer = new_model_client(server)
    if newer is not None:
        got = newer.describe_capacity_providers(capacityProviders=["web-cp"])["capacityProviders"]
        assert got[0]["autoScalingGroupProvider"]["managedDraining"] == "ENABLED"
        assert got[0]["type"] == "EC2_AUTOSCALING"
        assert "tags" not in got[0]
        newer.update_capacity_provider(name="web-cp",
                                       autoScalingGroupProvider={"managedDraining": "DISABLED"})
        got = newer.describe_capacity_providers(capacityProviders=["web-cp"])["capacityProviders"]
        assert got[0]["autoScalingGroupProvider"]["managedDraining"] == "DISABLED"
    # By name and by ARN (each once), unknown ones as MISSING failures, tags on request.
    out = ecs.describe_capacity_providers(
        capacityProviders=["web-cp", f"{ARN}:capacity-provider/web-cp", "nope", "FARGATE"],
        include=["TAGS"])
    assert [(p["name"], p["tags"]) for p in out["capacityProviders"]] == [
        ("web-cp", [{"key": "team", "value": "a"}]), ("FARGATE", [])]
    assert out["failures"] == [{"arn": f"{ARN}:capacity-provider/nope", "reason": "MISSING"}]
    # Tags through the generic operations too.
    arn = f"{ARN}:capacity-provider/web-cp"
    ecs.tag_resource(resourceArn=arn, tags=[{"key": "more", "value": "b"}])
    assert {t["key"] for t in ecs.list_tags_for_resource(resourceArn=arn)["tags"]} == {
        "team", "more"}


def test_create_errors(ecs, aws):
    for name in ["aws-cp", "ECS_cp", "Fargate2", "bad.name"]:
        code, message = refused(ecs.create_capacity_provider, name=name,
                                autoScalingGroupProvider={"autoScalingGroupArn": GROUP + "g"})
        assert code == "ClientException", name
        assert message.startswith("The specified capacity provider name is invalid.")
        assert 'cannot be prefixed with "aws", "ecs", or "fargate"' in message
    create(ecs, "taken", group="g1")
    code, message = refused(ecs.create_capacity_provider, name="taken",
                            autoScalingGroupProvider={"autoScalingGroupArn": GROUP + "g2"})
    assert (code, message) == ("ClientException",
                               "The specified capacity provider already exists. To change the "
                               "configuration of an existing capacity provider, update the "
                               "capacity provider.")
    # The same group by name is the same group.
    code, message = refused(ecs.create_capacity_provider, name="other",
                            autoScalingGroupProvider={"autoScalingGroupArn": "g1"})
    assert code == "ClientException" and "already being used by another" in message
    code, message = refused(ecs.create_capacity_provider, name="prot",
                            autoScalingGroupProvider={"autoScalingGroupArn": GROUP + "p",
                                                      "managedTerminationProtection": "ENABLED"})
    assert code == "ClientException" and "managed termination protection" in message
    # The AWS CLI: a target capacity above 100 (botocore checks only the minimum).
    r = aws.run("create-capacity-provider", "--name", "big",
                "--auto-scaling-group-provider",
                f"autoScalingGroupArn={GROUP}big,managedScaling={{status=ENABLED,"
                "targetCapacity=101}")
    assert r.returncode == 254
    assert "InvalidParameterException" in r.stderr and "between 1 and 100" in r.stderr
    # Nothing was created by the refused calls.
    names = [p["name"] for p in ecs.describe_capacity_providers()["capacityProviders"]]
    assert names == ["FARGATE", "FARGATE_SPOT", "taken"]


def test_update_with_the_cli(ecs, aws):
    create(ecs, "upd")
    cp = aws("update-capacity-provider", "--name", "upd", "--auto-scaling-group-provider",
             "managedScaling={status=ENABLED,targetCapacity=80,minimumScalingStepSize=2,"
             "maximumScalingStepSize=20,instanceWarmupPeriod=60},"
             "managedTerminationProtection=ENABLED")["capacityProvider"]
    assert cp["autoScalingGroupProvider"]["managedScaling"] == {
        "status": "ENABLED", "targetCapacity": 80, "minimumScalingStepSize": 2,
        "maximumScalingStepSize": 20, "instanceWarmupPeriod": 60}
    assert cp["autoScalingGroupProvider"]["managedTerminationProtection"] == "ENABLED"
    assert cp["updateStatus"] == "UPDATE_COMPLETE"
    code, message = refused(ecs.update_capacity_provider, name="nope",
                            autoScalingGroupProvider={"managedTerminationProtection": "DISABLED"})
    assert code == "ClientException" and "does not exist" in message
    # Turning managed scaling off while protection is on is refused and changes nothing.
    code, _ = refused(ecs.update_capacity_provider, name="upd",
                      autoScalingGroupProvider={"managedScaling": {"status": "DISABLED"}})
    assert code == "ClientException"
    got = ecs.describe_capacity_providers(capacityProviders=["upd"])["capacityProviders"][0]
    assert got["autoScalingGroupProvider"]["managedScaling"]["targetCapacity"] == 80


def test_pagination(ecs, aws):
    for i in range(12):
        create(ecs, f"pg-{i:02d}")
    seen, token = [], None
    while True:
        kw = {"maxResults": 5} | ({"nextToken": token} if token else {})
        page = ecs.describe_capacity_providers(**kw)
        assert len(page["capacityProviders"]) <= 5
        seen += [p["name"] for p in page["capacityProviders"]]
        token = page.get("nextToken")
        if not token:
            break
    assert seen == ["FARGATE", "FARGATE_SPOT"] + [f"pg-{i:02d}" for i in range(12)]
    # Without maxResults a page holds 10 (the model has no paginator for it: the CLI shows the
    # first page and its nextToken, and goes on when given it).
    first = ecs.describe_capacity_providers()
    assert len(first["capacityProviders"]) == 10 and "nextToken" in first
    listed = aws("describe-capacity-providers")
    assert [p["name"] for p in listed["capacityProviders"]] == seen[:10]
    rest = aws("describe-capacity-providers", "--next-token", listed["nextToken"])
    assert [p["name"] for p in rest["capacityProviders"]] == seen[10:]
    assert "nextToken" not in rest
    code, _ = refused(ecs.describe_capacity_providers, maxResults=11)
    assert code == "InvalidParameterException"


def test_association_mix_and_launch(ecs, server):
    create(ecs, "asg-a")
    fargate_definition(ecs, "fg")
    ecs.create_cluster(clusterName="cp-one", capacityProviders=["asg-a"],
                       defaultCapacityProviderStrategy=[{"capacityProvider": "asg-a",
                                                         "weight": 1}])
    c = ecs.describe_clusters(clusters=["cp-one"])["clusters"][0]
    assert c["capacityProviders"] == ["asg-a"]
    # One cluster per Auto Scaling group provider.
    ecs.create_cluster(clusterName="cp-two")
    code, message = refused(ecs.put_cluster_capacity_providers, cluster="cp-two",
                            capacityProviders=["asg-a"], defaultCapacityProviderStrategy=[])
    assert code == "InvalidParameterException" and "cp-one" in message
    # No mix with Fargate, in a default strategy or a task's.
    code, message = refused(
        ecs.put_cluster_capacity_providers, cluster="cp-one",
        capacityProviders=["asg-a", "FARGATE"],
        defaultCapacityProviderStrategy=[{"capacityProvider": "asg-a", "weight": 1},
                                         {"capacityProvider": "FARGATE", "weight": 1}])
    assert code == "InvalidParameterException" and "cannot contain a mix" in message
    ecs.put_cluster_capacity_providers(
        cluster="cp-one", capacityProviders=["asg-a", "FARGATE"],
        defaultCapacityProviderStrategy=[{"capacityProvider": "asg-a", "weight": 1}])
    code, message = refused(ecs.run_task, cluster="cp-one", taskDefinition="fg",
                            networkConfiguration=NET,
                            capacityProviderStrategy=[{"capacityProvider": "asg-a", "weight": 1},
                                                      {"capacityProvider": "FARGATE",
                                                       "weight": 1}])
    assert code == "InvalidParameterException" and "cannot contain a mix" in message
    # The default strategy launches on the Auto Scaling group provider (EC2; the definition is
    # compatible with both): with no instance of it yet the task waits in PROVISIONING.
    task = ecs.run_task(cluster="cp-one", taskDefinition="fg", networkConfiguration=NET)["tasks"][0]
    assert (task["lastStatus"], task["launchType"]) == ("PROVISIONING", "EC2")
    assert task["capacityProviderName"] == "asg-a" and "containerInstanceArn" not in task
    assert ecs.list_services(cluster="cp-one")["serviceArns"] == []
    newer = new_model_client(server)  # botocore 1.29 does not know the `cluster` member
    if newer is not None:
        only = newer.describe_capacity_providers(cluster="cp-one")["capacityProviders"]
        assert [p["name"] for p in only] == ["FARGATE", "asg-a"]


def test_delete_lifecycle(ecs, aws):
    create(ecs, "del")
    ecs.create_cluster(clusterName="cp-del", capacityProviders=["del"])
    # Associated: not an error; ECS reports DELETE_FAILED with the reason, still ACTIVE.
    cp = ecs.delete_capacity_provider(capacityProvider="del")["capacityProvider"]
    assert (cp["status"], cp["updateStatus"]) == ("ACTIVE", "DELETE_FAILED")
    assert cp["updateStatusReason"] == (
        "The capacity provider cannot be deleted because it is associated with cluster: cp-del. "
        "Remove the capacity provider from the cluster and try again.")
    ecs.put_cluster_capacity_providers(cluster="cp-del", capacityProviders=[],
                                       defaultCapacityProviderStrategy=[])
    cp = aws("delete-capacity-provider", "--capacity-provider",
             f"{ARN}:capacity-provider/del")["capacityProvider"]
    assert (cp["status"], cp["updateStatus"]) == ("ACTIVE", "DELETE_IN_PROGRESS")
    assert "updateStatusReason" not in cp
    got = ecs.describe_capacity_providers(capacityProviders=["del"])["capacityProviders"][0]
    assert (got["status"], got["updateStatus"]) == ("INACTIVE", "DELETE_COMPLETE")
    code, message = refused(ecs.delete_capacity_provider, capacityProvider="del")
    assert code == "ClientException" and "does not exist" in message
    code, message = refused(ecs.delete_capacity_provider, capacityProvider="FARGATE")
    assert code == "ClientException" and "reserved" in message
    code, _ = refused(ecs.put_cluster_capacity_providers, cluster="cp-del",
                      capacityProviders=["del"], defaultCapacityProviderStrategy=[])
    assert code == "InvalidParameterException"
    # The name and its group are free again.
    assert create(ecs, "del")["status"] == "ACTIVE"


def test_providers_survive_a_restart(emulators):
    emu = emulators()
    ecs = emu.client()
    create(ecs, "kept", managedScaling={"status": "ENABLED", "targetCapacity": 75},
           managedTerminationProtection="ENABLED")
    ecs.tag_resource(resourceArn=f"{ARN}:capacity-provider/kept",
                     tags=[{"key": "k", "value": "v"}])
    create(ecs, "gone")
    ecs.delete_capacity_provider(capacityProvider="gone")
    ecs.create_cluster(clusterName="cp-r", capacityProviders=["kept"])
    before = ecs.describe_capacity_providers(include=["TAGS"])["capacityProviders"]
    emu.restart()
    ecs = emu.client()
    assert ecs.describe_capacity_providers(include=["TAGS"])["capacityProviders"] == before
    assert [p["status"] for p in before] == ["ACTIVE", "ACTIVE", "ACTIVE", "INACTIVE"]
    assert ecs.describe_clusters(clusters=["cp-r"])["clusters"][0]["capacityProviders"] == [
        "kept"]
