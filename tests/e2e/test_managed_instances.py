"""Managed Instances capacity providers end to end with boto3 on the newest botocore model (and
the AWS CLI v2 where it knows the operation): Create (cluster-scoped, associated with its cluster,
type MANAGED_INSTANCES, the member echoed as given), Describe (with `cluster`), Update (merged
over the stored member), Delete from the cluster; the simulated fleet: tasks through the provider
wait in PROVISIONING as MANAGED_INSTANCES, the provider launches instances of a type its
instanceRequirements allow, they register after the launch delay, tasks run, and idle instances
are retired after scaleInAfter; validation errors; a restart keeps provider and instances. Where
timing matters the server runs `--timing realistic` under a frozen clock: nothing sleeps."""
import json
import subprocess

import pytest
from botocore.exceptions import ClientError

from conftest import error_code, error_message
from svchelpers import admin, clock, new_model_client

ARN = "arn:aws:ecs:us-east-1:000000000000"
REALISTIC = ["--timing", "realistic"]
ROLE = "arn:aws:iam::000000000000:role/ecsInfrastructureRole"
PROFILE = "arn:aws:iam::000000000000:instance-profile/ecsInstanceRole"
LAUNCH_DELAY_MS = 60_000


def mi_provider(subnets=("subnet-a", "subnet-b"), requirements=None, scale_in_after=None, **extra):
    template = {"ec2InstanceProfileArn": PROFILE,
                "networkConfiguration": {"subnets": list(subnets), "securityGroups": ["sg-1"]},
                "storageConfiguration": {"storageSizeGiB": 50}, "monitoring": "BASIC"}
    if requirements is not None:
        template["instanceRequirements"] = requirements
    out = {"infrastructureRoleArn": ROLE, "instanceLaunchTemplate": template,
           "propagateTags": "CAPACITY_PROVIDER", **extra}
    if scale_in_after is not None:
        out["infrastructureOptimization"] = {"scaleInAfter": scale_in_after}
    return out


@pytest.fixture
def mi(server):
    client = new_model_client(server)
    if client is None or "managedInstancesProvider" not in client.meta.service_model.shape_for(
            "CreateCapacityProviderRequest").members:
        pytest.skip("no botocore model with managedInstancesProvider on this machine")
    return client


def newest(server):
    client = new_model_client(server)
    if client is None:
        pytest.skip("no botocore model with managedInstancesProvider on this machine")
    return client


def refused(call, **kw):
    with pytest.raises(ClientError) as e:
        call(**kw)
    return error_code(e), error_message(e)


def mi_definition(ecs, family="mi-web", cpu=1024, memory=1024):
    out = ecs.register_task_definition(
        family=family, requiresCompatibilities=["MANAGED_INSTANCES"],
        containerDefinitions=[{"name": "app", "image": "nginx:latest", "cpu": cpu,
                               "memory": memory, "essential": True}])
    td = out["taskDefinition"]
    assert "MANAGED_INSTANCES" in td["compatibilities"]
    return td["taskDefinitionArn"]


def instances(ecs, cluster, status="ACTIVE"):
    arns = ecs.list_container_instances(cluster=cluster, status=status)["containerInstanceArns"]
    if not arns:
        return []
    return ecs.describe_container_instances(cluster=cluster,
                                            containerInstances=arns)["containerInstances"]


def tasks_of(ecs, cluster):
    arns = ecs.list_tasks(cluster=cluster)["taskArns"]
    return ecs.describe_tasks(cluster=cluster, tasks=arns)["tasks"] if arns else []


def attribute(ci, name):
    return next((a.get("value") for a in ci["attributes"] if a["name"] == name), None)


def advance(server, ms):
    clock(server, "advance", by=f"{ms}ms")


def test_create_describe_update_delete(server, mi):
    mi.create_cluster(clusterName="mi-crud")
    given = mi_provider(requirements={"vCpuCount": {"min": 2, "max": 4},
                                      "memoryMiB": {"min": 4096}}, scale_in_after=600)
    cp = mi.create_capacity_provider(name="mi-cp", cluster="mi-crud",
                                     managedInstancesProvider=given,
                                     tags=[{"key": "team", "value": "a"}])["capacityProvider"]
    assert cp["type"] == "MANAGED_INSTANCES" and cp["cluster"] == "mi-crud"
    assert cp["status"] == "ACTIVE" and cp["capacityProviderArn"] == f"{ARN}:capacity-provider/mi-cp"
    assert cp["managedInstancesProvider"] == given
    assert "autoScalingGroupProvider" not in cp
    # Created within the cluster: associated with it at once.
    cluster = mi.describe_clusters(clusters=["mi-crud"])["clusters"][0]
    assert cluster["capacityProviders"] == ["mi-cp"]
    only = mi.describe_capacity_providers(cluster="mi-crud", include=["TAGS"])["capacityProviders"]
    assert [(p["name"], p["tags"]) for p in only] == [("mi-cp", [{"key": "team", "value": "a"}])]
    # Update: the members given replace, instanceLaunchTemplate member by member.
    update = {"infrastructureRoleArn": ROLE + "2",
              "instanceLaunchTemplate": {"instanceRequirements": {"vCpuCount": {"min": 1},
                                                                  "memoryMiB": {"min": 1024}}},
              "infrastructureOptimization": {"scaleInAfter": -1}}
    cp = mi.update_capacity_provider(name="mi-cp", cluster="mi-crud",
                                     managedInstancesProvider=update)["capacityProvider"]
    assert cp["updateStatus"] == "UPDATE_COMPLETE"
    got = cp["managedInstancesProvider"]
    assert got["infrastructureRoleArn"] == ROLE + "2"
    assert got["infrastructureOptimization"] == {"scaleInAfter": -1}
    assert got["instanceLaunchTemplate"]["instanceRequirements"] == {
        "vCpuCount": {"min": 1}, "memoryMiB": {"min": 1024}}
    assert got["instanceLaunchTemplate"]["networkConfiguration"] == given[
        "instanceLaunchTemplate"]["networkConfiguration"]
    assert got["propagateTags"] == "CAPACITY_PROVIDER"
    # Delete from its cluster: disassociated, DELETE_IN_PROGRESS, then INACTIVE.
    code, message = refused(mi.delete_capacity_provider, capacityProvider="mi-cp", cluster="other")
    assert code == "InvalidParameterException" and "mi-crud" in message
    cp = mi.delete_capacity_provider(capacityProvider="mi-cp", cluster="mi-crud")["capacityProvider"]
    assert cp["updateStatus"] == "DELETE_IN_PROGRESS"
    cp = mi.describe_capacity_providers(capacityProviders=["mi-cp"])["capacityProviders"][0]
    assert (cp["status"], cp["updateStatus"]) == ("INACTIVE", "DELETE_COMPLETE")
    assert mi.describe_clusters(clusters=["mi-crud"])["clusters"][0]["capacityProviders"] == []


def test_validation_errors(server, mi):
    mi.create_cluster(clusterName="mi-val")
    mi.create_cluster(clusterName="mi-val2")
    cases = [
        ({"name": "v1", "managedInstancesProvider": mi_provider()},
         "InvalidParameterException", "cluster is required"),
        ({"name": "v2", "cluster": "nope", "managedInstancesProvider": mi_provider()},
         "ClusterNotFoundException", ""),
        ({"name": "v3", "cluster": "mi-val", "managedInstancesProvider": mi_provider(
            requirements={"vCpuCount": {"min": 4, "max": 2}, "memoryMiB": {"min": 1024}})},
         "InvalidParameterException", "vCpuCount.max"),
        ({"name": "v4", "cluster": "mi-val", "managedInstancesProvider": mi_provider(
            requirements={"vCpuCount": {"min": 1}, "memoryMiB": {"min": 8192, "max": 1024}})},
         "InvalidParameterException", "memoryMiB.max"),
        ({"name": "v5", "cluster": "mi-val", "managedInstancesProvider": mi_provider(
            scale_in_after=3601)}, "InvalidParameterException", "scaleInAfter"),
        ({"name": "ecs-v6", "cluster": "mi-val", "managedInstancesProvider": mi_provider()},
         "ClientException", "cannot be prefixed"),
    ]
    for kwargs, code, text in cases:
        got_code, got_message = refused(mi.create_capacity_provider, **kwargs)
        assert got_code == code, (kwargs, got_message)
        assert text in got_message
    # Required members the client does not check (a raw request): infrastructureRoleArn.
    status, _, body = server.raw("CreateCapacityProvider", {
        "name": "v7", "cluster": "mi-val",
        "managedInstancesProvider": {"instanceLaunchTemplate": mi_provider()[
            "instanceLaunchTemplate"]}})
    assert status == 400 and json.loads(body)["__type"].endswith("InvalidParameterException")
    assert "infrastructureRoleArn" in json.loads(body)["message"]
    # Nothing was created.
    assert mi.describe_capacity_providers(cluster="mi-val")["capacityProviders"] == []
    # Scoped to its cluster: another cluster cannot take it.
    mi.create_capacity_provider(name="v-ok", cluster="mi-val", managedInstancesProvider=mi_provider())
    code, message = refused(mi.put_cluster_capacity_providers, cluster="mi-val2",
                            capacityProviders=["v-ok"], defaultCapacityProviderStrategy=[])
    assert code == "InvalidParameterException" and "mi-val" in message
    # launchType MANAGED_INSTANCES: the model says to use a capacity provider strategy.
    td = mi_definition(mi, "mi-val-td")
    code, message = refused(mi.run_task, cluster="mi-val", taskDefinition=td,
                            launchType="MANAGED_INSTANCES")
    assert code == "InvalidParameterException" and "capacityProviderStrategy" in message
    # A definition not compatible with MANAGED_INSTANCES cannot run through the provider.
    plain = mi.register_task_definition(family="mi-plain", containerDefinitions=[
        {"name": "a", "image": "nginx", "memory": 128}])["taskDefinition"]["taskDefinitionArn"]
    code, message = refused(mi.run_task, cluster="mi-val", taskDefinition=plain,
                            capacityProviderStrategy=[{"capacityProvider": "v-ok", "weight": 1}])
    assert code == "InvalidParameterException" and "MANAGED_INSTANCES" in message


def test_service_scales_out_runs_and_scales_in(emulators):
    server = emulators(ephemeral=True, extra_args=REALISTIC)
    ecs = newest(server)
    clock(server, "freeze")
    ecs.create_cluster(clusterName="mi-svc")
    ecs.create_capacity_provider(name="mi-svc-cp", cluster="mi-svc", managedInstancesProvider=(
        mi_provider(requirements={"vCpuCount": {"min": 2, "max": 2}, "memoryMiB": {"min": 8192},
                                  "allowedInstanceTypes": ["m5.*"]}, scale_in_after=120)),
        tags=[{"key": "owner", "value": "team-a"}])
    td = mi_definition(ecs, "mi-svc", cpu=1024, memory=3000)
    ecs.create_service(cluster="mi-svc", serviceName="s", taskDefinition=td, desiredCount=3,
                       capacityProviderStrategy=[{"capacityProvider": "mi-svc-cp", "weight": 1}])
    advance(server, 1_000)
    tasks = tasks_of(ecs, "mi-svc")
    assert len(tasks) == 3
    for t in tasks:
        assert (t["lastStatus"], t["launchType"]) == ("PROVISIONING", "MANAGED_INSTANCES")
        assert t["capacityProviderName"] == "mi-svc-cp" and "containerInstanceArn" not in t
    assert instances(ecs, "mi-svc") == []  # launched, not registered yet
    advance(server, LAUNCH_DELAY_MS)
    # m5.large (2 vCPUs, 8 GiB): two tasks of 1 vCPU and 3000 MiB each fit one; two instances.
    joined = instances(ecs, "mi-svc")
    assert len(joined) == 2
    for ci in joined:
        assert ci["capacityProviderName"] == "mi-svc-cp"
        assert attribute(ci, "ecs.instance-type") == "m5.large"
    assert len({attribute(ci, "ecs.availability-zone") for ci in joined}) == 2  # spread
    tags = ecs.list_tags_for_resource(resourceArn=joined[0]["containerInstanceArn"])["tags"]
    assert tags == [{"key": "owner", "value": "team-a"}]  # propagateTags CAPACITY_PROVIDER
    advance(server, 120_000)
    tasks = tasks_of(ecs, "mi-svc")
    assert [t["lastStatus"] for t in tasks] == ["RUNNING"] * 3
    assert {t["launchType"] for t in tasks} == {"MANAGED_INSTANCES"}
    # desiredCount 0: the tasks stop; the instances stay while idle less than scaleInAfter.
    ecs.update_service(cluster="mi-svc", service="s", desiredCount=0)
    advance(server, 60_000)
    assert tasks_of(ecs, "mi-svc") == [] or all(
        t["lastStatus"] == "STOPPED" for t in tasks_of(ecs, "mi-svc"))
    assert len(instances(ecs, "mi-svc")) == 2
    advance(server, 120_000)
    assert instances(ecs, "mi-svc") == []
    gone = ecs.describe_container_instances(
        cluster="mi-svc", containerInstances=[ci["containerInstanceArn"] for ci in joined])
    assert [ci["status"] for ci in gone["containerInstances"]] == ["INACTIVE"] * 2


def test_run_task_with_instant_timing_and_instance_choice(server, mi):
    mi.create_cluster(clusterName="mi-run")
    mi.create_capacity_provider(name="mi-run-cp", cluster="mi-run", managedInstancesProvider=(
        mi_provider(requirements={"vCpuCount": {"min": 2}, "memoryMiB": {"min": 1024},
                                  "cpuManufacturers": ["amazon-web-services"],
                                  "burstablePerformance": "excluded"})))
    mi.put_cluster_capacity_providers(cluster="mi-run", capacityProviders=["mi-run-cp"],
                                      defaultCapacityProviderStrategy=[
                                          {"capacityProvider": "mi-run-cp", "weight": 1}])
    td = mi_definition(mi, "mi-run", cpu=512, memory=512)
    out = mi.run_task(cluster="mi-run", taskDefinition=td, count=2)  # the default strategy
    assert out["failures"] == []
    arns = [t["taskArn"] for t in out["tasks"]]
    mi.get_waiter("tasks_running").wait(cluster="mi-run", tasks=arns,
                                        WaiterConfig={"Delay": 1, "MaxAttempts": 5})
    tasks = mi.describe_tasks(cluster="mi-run", tasks=arns)["tasks"]
    assert {(t["launchType"], t["capacityProviderName"]) for t in tasks} == {
        ("MANAGED_INSTANCES", "mi-run-cp")}
    (ci,) = instances(mi, "mi-run")
    # Graviton, not burstable, the fewest vCPUs then the least memory: c6g.large.
    assert attribute(ci, "ecs.instance-type") == "c6g.large"
    assert attribute(ci, "ecs.cpu-architecture") == "arm64"


def test_restart_keeps_provider_and_instances(emulators):
    server = emulators(extra_args=REALISTIC)
    ecs = newest(server)
    ecs.create_cluster(clusterName="mi-rs")
    given = mi_provider(scale_in_after=300)
    ecs.create_capacity_provider(name="mi-rs-cp", cluster="mi-rs",
                                 managedInstancesProvider=given)
    td = mi_definition(ecs, "mi-rs", cpu=512, memory=512)
    ecs.run_task(cluster="mi-rs", taskDefinition=td, count=1,
                 capacityProviderStrategy=[{"capacityProvider": "mi-rs-cp", "weight": 1}])
    # Launched on the wall clock (a restart starts from it again): still on its way across it.
    server.restart()
    ecs = newest(server)
    cp = ecs.describe_capacity_providers(capacityProviders=["mi-rs-cp"])["capacityProviders"][0]
    assert cp["managedInstancesProvider"] == given and cp["cluster"] == "mi-rs"
    assert instances(ecs, "mi-rs") == []
    clock(server, "freeze")
    advance(server, LAUNCH_DELAY_MS)  # the launch survived the restart
    assert len(instances(ecs, "mi-rs")) == 1
    advance(server, 60_000)
    (task,) = tasks_of(ecs, "mi-rs")
    assert task["lastStatus"] == "RUNNING"
    server.restart()
    ecs = newest(server)
    (ci,) = instances(ecs, "mi-rs")
    assert ci["capacityProviderName"] == "mi-rs-cp" and ci["runningTasksCount"] == 1


def test_describe_with_the_cli(server, mi, aws):
    mi.create_cluster(clusterName="mi-cli")
    mi.create_capacity_provider(name="mi-cli-cp", cluster="mi-cli",
                                managedInstancesProvider=mi_provider())
    try:
        out = aws("describe-capacity-providers", "--capacity-providers", "mi-cli-cp")
    except FileNotFoundError:
        pytest.skip("no AWS CLI")
    (cp,) = out["capacityProviders"]
    assert cp["name"] == "mi-cli-cp" and cp["status"] == "ACTIVE"
