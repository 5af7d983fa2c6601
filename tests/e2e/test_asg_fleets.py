"""Simulated Auto Scaling groups end to end with boto3: a fleet declared with `autoScalingGroup`
(POST /_emulator/fleets, --fleet) registers its `desired` instances and survives a restart; an
ACTIVE provider with managed scaling ENABLED drives it: instances without tasks are scaled in to
the group's min, a busy group above targetCapacity scales out (new instances join after the
warm-up, at once under instant timing), and termination protection keeps a busy instance."""
from svchelpers import admin, definition

GROUP = "arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroup:0f1e:autoScalingGroupName/"


def group(server, name, cluster="asg-c", **sizes):
    body = {"cluster": cluster, "autoScalingGroup": name, "createCluster": True, **sizes}
    status, out = admin(server, "fleets", body)
    assert status == 200, out
    return out


def active(ecs, cluster):
    arns = ecs.list_container_instances(cluster=cluster, status="ACTIVE")["containerInstanceArns"]
    if not arns:
        return []
    return ecs.describe_container_instances(cluster=cluster,
                                            containerInstances=arns)["containerInstances"]


def provider(ecs, name, group_name, **asg):
    return ecs.create_capacity_provider(
        name=name, autoScalingGroupProvider={"autoScalingGroupArn": GROUP + group_name, **asg})


def test_group_fleet_registers_desired_and_checks_bounds(ecs, server):
    out = group(server, "g-one", min=1, max=4, desired=2)
    assert len(out["containerInstanceArns"]) == 2
    assert out["autoScalingGroupArn"].startswith(
        "arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroup:")
    assert out["autoScalingGroupArn"].endswith(":autoScalingGroupName/g-one")
    assert len(active(ecs, "asg-c")) == 2
    bad = [({"autoScalingGroup": "g2", "count": 2, "max": 3}, "not \"count\""),
           ({"autoScalingGroup": "g2", "desired": 1}, "max is required"),
           ({"autoScalingGroup": "g2", "min": 2, "max": 3, "desired": 1}, "min <= desired"),
           ({"autoScalingGroup": "g-one", "max": 3}, "already exists"),
           ({"count": 1, "max": 3}, "need \"autoScalingGroup\"")]
    for body, words in bad:
        status, answer = admin(server, "fleets", {"cluster": "asg-c", **body})
        assert status == 400 and words in answer["message"], (body, answer)
    assert len(active(ecs, "asg-c")) == 2  # a refused fleet changed nothing


def test_managed_scaling_scales_empty_instances_in_to_min(ecs, server):
    group(server, "g-in", min=1, max=5, desired=3)
    provider(ecs, "cp-in", "g-in", managedScaling={"status": "ENABLED"})
    ecs.put_cluster_capacity_providers(cluster="asg-c", capacityProviders=["cp-in"],
                                       defaultCapacityProviderStrategy=[])
    left = active(ecs, "asg-c")
    assert len(left) == 1
    # A group with a provider shows it on its instances when they register (the one left was
    # registered before the provider existed).
    assert "capacityProviderName" not in left[0]


def test_busy_group_scales_out_and_back_in(ecs, server):
    group(server, "g-out", min=0, max=3, desired=1)
    td = definition(ecs, "asg-web")
    task = ecs.run_task(cluster="asg-c", taskDefinition=td, launchType="EC2")["tasks"][0]
    # targetCapacity 50: one busy instance wants two; the new one joins at once (instant timing).
    provider(ecs, "cp-out", "g-out", managedScaling={"status": "ENABLED", "targetCapacity": 50},
             managedTerminationProtection="ENABLED")
    ecs.put_cluster_capacity_providers(cluster="asg-c", capacityProviders=["cp-out"],
                                       defaultCapacityProviderStrategy=[])
    instances = active(ecs, "asg-c")
    assert len(instances) == 2
    assert sorted(i.get("capacityProviderName", "") for i in instances) == ["", "cp-out"]
    # With the task stopped nothing needs the group: both instances go.
    ecs.stop_task(cluster="asg-c", task=task["taskArn"])
    assert active(ecs, "asg-c") == []


def test_protected_busy_instance_is_kept(ecs, server):
    group(server, "g-keep", min=0, max=2, desired=2)
    td = definition(ecs, "asg-keep")
    ecs.run_task(cluster="asg-c", taskDefinition=td, launchType="EC2",
                 placementStrategy=[{"type": "binpack", "field": "memory"}])
    provider(ecs, "cp-keep", "g-keep", managedScaling={"status": "ENABLED"},
             managedTerminationProtection="ENABLED")
    ecs.put_cluster_capacity_providers(cluster="asg-c", capacityProviders=["cp-keep"],
                                       defaultCapacityProviderStrategy=[])
    # M = 1 of N = 2: the empty instance goes, the busy one stays.
    left = active(ecs, "asg-c")
    assert len(left) == 1 and left[0]["runningTasksCount"] + left[0]["pendingTasksCount"] == 1


def test_group_survives_a_restart_and_fleet_flag_applies_once(emulators):
    emu = emulators(extra_args=["--fleet",
                                "cluster=asg-f,autoScalingGroup=g-flag,min=0,max=3,desired=2"])
    ecs = emu.client()
    assert len(active(ecs, "asg-f")) == 2
    emu.restart()
    ecs = emu.client()
    assert len(active(ecs, "asg-f")) == 2
    status, answer = admin(emu, "fleets", {"cluster": "asg-f", "autoScalingGroup": "g-flag",
                                           "max": 2})
    assert status == 400 and "already exists" in answer["message"]
