"""Launching on Auto Scaling group capacity providers end to end with boto3: tasks that no instance
of the provider fits wait in PROVISIONING (no container instance yet, `capacityProviderName`
set), count as demand for managed scaling, and are placed when the instances it launches join,
by the strategy's split; a service on an empty group scales it out and, at desiredCount 0, back
in; waiting tasks survive a restart. Where timing matters the server runs `--timing realistic`
under a frozen clock (POST /_emulator/clock) and the test advances it: nothing sleeps."""
import re

import pytest

from svchelpers import admin, clock, definition

GROUP = "arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroup:0f1e:autoScalingGroupName/"
REALISTIC = ["--timing", "realistic"]


def group(server, name, cluster, **sizes):
    body = {"cluster": cluster, "autoScalingGroup": name, "createCluster": True, **sizes}
    status, out = admin(server, "fleets", body)
    assert status == 200, out


def asg_provider(ecs, cluster, name, group_name, warmup=60):
    """An ENABLED managed-scaling provider for the group, the cluster's only provider."""
    ecs.create_capacity_provider(name=name, autoScalingGroupProvider={
        "autoScalingGroupArn": GROUP + group_name,
        "managedScaling": {"status": "ENABLED", "targetCapacity": 100,
                           "instanceWarmupPeriod": warmup}})
    ecs.put_cluster_capacity_providers(cluster=cluster, capacityProviders=[name],
                                       defaultCapacityProviderStrategy=[])


def active_instances(ecs, cluster):
    return ecs.list_container_instances(cluster=cluster, status="ACTIVE")["containerInstanceArns"]


def tasks_of(ecs, cluster, **filters):
    arns = ecs.list_tasks(cluster=cluster, **filters)["taskArns"]
    return ecs.describe_tasks(cluster=cluster, tasks=arns)["tasks"] if arns else []


def assert_waiting(task, provider):
    assert task["lastStatus"] == "PROVISIONING", task
    assert task["desiredStatus"] == "RUNNING"
    assert task["capacityProviderName"] == provider
    assert task["launchType"] == "EC2"
    assert "containerInstanceArn" not in task


def advance(server, ms):
    clock(server, "advance", by=f"{ms}ms")


def test_service_on_an_empty_group_scales_out_runs_and_scales_in(emulators):
    server = emulators(ephemeral=True, extra_args=REALISTIC)
    ecs = server.client()
    clock(server, "freeze")
    group(server, "g-svc", "asg-l", min=0, max=4, desired=0)
    asg_provider(ecs, "asg-l", "cp-svc", "g-svc", warmup=60)
    td = definition(ecs, "asg-svc", cpu=1024, memory=1024)
    svc = ecs.create_service(cluster="asg-l", serviceName="s", taskDefinition=td, desiredCount=3,
                             capacityProviderStrategy=[{"capacityProvider": "cp-svc",
                                                        "weight": 1}])["service"]
    assert [i["capacityProvider"] for i in svc["capacityProviderStrategy"]] == ["cp-svc"]
    advance(server, 1_000)  # the service launches; managed scaling sees the waiting tasks
    tasks = tasks_of(ecs, "asg-l")
    assert len(tasks) == 3
    for t in tasks:
        assert_waiting(t, "cp-svc")
    svc = ecs.describe_services(cluster="asg-l", services=["s"])["services"][0]
    assert (svc["pendingCount"], svc["runningCount"]) == (3, 0)
    assert active_instances(ecs, "asg-l") == []  # launched, still warming up
    advance(server, 30_000)
    assert len(tasks_of(ecs, "asg-l")) == 3  # nothing more launched while they wait
    for t in tasks_of(ecs, "asg-l"):
        assert_waiting(t, "cp-svc")
    # Past the warm-up: two instances (3 half-instance tasks binpacked) join; the tasks are placed
    # and then take realistic timing to start.
    advance(server, 31_000)
    assert len(active_instances(ecs, "asg-l")) == 2
    advance(server, 120_000)
    tasks = tasks_of(ecs, "asg-l")
    assert [t["lastStatus"] for t in tasks] == ["RUNNING"] * 3
    assert all(t["containerInstanceArn"] and t["capacityProviderName"] == "cp-svc"
               for t in tasks)
    svc = ecs.describe_services(cluster="asg-l", services=["s"])["services"][0]
    assert (svc["pendingCount"], svc["runningCount"]) == (0, 3)
    # desiredCount 0: the tasks stop and the group scales in to its min of 0.
    ecs.update_service(cluster="asg-l", service="s", desiredCount=0)
    advance(server, 120_000)
    assert tasks_of(ecs, "asg-l") == []
    assert active_instances(ecs, "asg-l") == []


def test_run_task_of_several_on_an_empty_provider(ecs, server):
    group(server, "g-run", "asg-r", min=0, max=5, desired=0)
    asg_provider(ecs, "asg-r", "cp-run", "g-run")
    td = definition(ecs, "asg-run", cpu=1024, memory=512)
    out = ecs.run_task(cluster="asg-r", taskDefinition=td, count=4,
                       capacityProviderStrategy=[{"capacityProvider": "cp-run", "weight": 1}])
    assert out["failures"] == []
    assert len(out["tasks"]) == 4
    for t in out["tasks"]:
        assert_waiting(t, "cp-run")
    # Instant timing: the group launches, the instances join and the tasks start before the next
    # request is served, so the waiter succeeds at once.
    arns = [t["taskArn"] for t in out["tasks"]]
    ecs.get_waiter("tasks_running").wait(cluster="asg-r", tasks=arns,
                                         WaiterConfig={"Delay": 1, "MaxAttempts": 5})
    tasks = ecs.describe_tasks(cluster="asg-r", tasks=arns)["tasks"]
    assert {t["capacityProviderName"] for t in tasks} == {"cp-run"}
    assert len({t["containerInstanceArn"] for t in tasks}) == 2  # 2 vCPU instances, 1 vCPU tasks
    assert len(active_instances(ecs, "asg-r")) == 2


def test_strategy_naming_an_asg_and_fargate_is_refused(ecs, server):
    group(server, "g-mix", "asg-m", min=0, max=1, desired=0)
    asg_provider(ecs, "asg-m", "cp-mix", "g-mix")
    ecs.put_cluster_capacity_providers(cluster="asg-m", capacityProviders=["cp-mix", "FARGATE"],
                                       defaultCapacityProviderStrategy=[])
    td = definition(ecs, "asg-mix")
    with pytest.raises(ecs.exceptions.InvalidParameterException):
        ecs.run_task(cluster="asg-m", taskDefinition=td,
                     capacityProviderStrategy=[{"capacityProvider": "cp-mix", "weight": 1},
                                               {"capacityProvider": "FARGATE", "weight": 1}])
    assert tasks_of(ecs, "asg-m") == []


def test_waiting_tasks_survive_a_restart_and_are_placed_after(emulators):
    emu = emulators(extra_args=REALISTIC)
    ecs = emu.client()
    group(emu, "g-rs", "asg-rs", min=0, max=2, desired=0)
    # A long warm-up on the wall clock: the instance is still launching across the restart.
    asg_provider(ecs, "asg-rs", "cp-rs", "g-rs", warmup=3600)
    td = definition(ecs, "asg-rs", cpu=512, memory=512)
    out = ecs.run_task(cluster="asg-rs", taskDefinition=td, count=2,
                       capacityProviderStrategy=[{"capacityProvider": "cp-rs", "weight": 1}])
    arns = sorted(t["taskArn"] for t in out["tasks"])
    assert len(arns) == 2
    emu.restart()
    ecs = emu.client()
    tasks = ecs.describe_tasks(cluster="asg-rs", tasks=arns)["tasks"]
    assert sorted(t["taskArn"] for t in tasks) == arns
    for t in tasks:
        assert_waiting(t, "cp-rs")
    clock(emu, "freeze")
    advance(emu, 3_600_000 + 60_000)  # past the warm-up, then realistic start-up delays
    tasks = ecs.describe_tasks(cluster="asg-rs", tasks=arns)["tasks"]
    assert [t["lastStatus"] for t in tasks] == ["RUNNING", "RUNNING"]
    assert len(active_instances(ecs, "asg-rs")) == 1


def test_describe_clusters_shows_an_as_policy_attachment_per_managed_provider(ecs, server):
    group(server, "g-att", "asg-a", min=0, max=2, desired=0)
    group(server, "g-man", "asg-a", min=0, max=2, desired=0)
    ecs.create_capacity_provider(name="cp-att", autoScalingGroupProvider={
        "autoScalingGroupArn": GROUP + "g-att", "managedScaling": {"status": "ENABLED"}})
    ecs.create_capacity_provider(name="cp-man", autoScalingGroupProvider={
        "autoScalingGroupArn": GROUP + "g-man", "managedScaling": {"status": "DISABLED"}})
    ecs.put_cluster_capacity_providers(cluster="asg-a",
                                       capacityProviders=["cp-att", "cp-man", "FARGATE"],
                                       defaultCapacityProviderStrategy=[])
    plain = ecs.describe_clusters(clusters=["asg-a"])["clusters"][0]
    assert "attachments" not in plain and "attachmentsStatus" not in plain
    c = ecs.describe_clusters(clusters=["asg-a"], include=["ATTACHMENTS"])["clusters"][0]
    assert c["attachmentsStatus"] == "UPDATE_COMPLETE"
    # Only the provider with managed scaling has a scaling policy on its group.
    assert len(c["attachments"]) == 1
    a = c["attachments"][0]
    assert (a["type"], a["status"]) == ("as_policy", "CREATED")
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", a["id"])
    details = {d["name"]: d["value"] for d in a["details"]}
    assert details["capacityProviderName"] == "cp-att"
    assert re.fullmatch(r"ECSManagedAutoScalingPolicy-[0-9a-f-]{36}", details["scalingPolicyName"])
    again = ecs.describe_clusters(clusters=["asg-a"], include=["ATTACHMENTS"])["clusters"][0]
    assert again["attachments"] == c["attachments"]  # the same policy, not a new one each time
    ecs.put_cluster_capacity_providers(cluster="asg-a", capacityProviders=["FARGATE"],
                                       defaultCapacityProviderStrategy=[])
    c = ecs.describe_clusters(clusters=["asg-a"], include=["ATTACHMENTS"])["clusters"][0]
    assert c["attachments"] == [] and c["attachmentsStatus"] == "UPDATE_COMPLETE"
