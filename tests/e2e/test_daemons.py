"""ECS Managed Daemons (CreateDaemon, UpdateDaemon, DeleteDaemon, DescribeDaemon, ListDaemons,
DescribeDaemonDeployments, ListDaemonDeployments, DescribeDaemonRevisions and ListTasks'
daemonName) with boto3 on the newest botocore model, over Managed Instances capacity providers:
one daemon task per instance, started before any other task there; deployments that drain and
replace instances in batches of drainPercent with a bake time after each (walked on a frozen
clock); a stopped daemon task or a lost instance replaced; deletion; alarms rolling back; the
model's waiters on their default settings; a restart. Every response is checked against the
model by the contract hook; nothing sleeps to wait for the server (wait_until polls)."""
from __future__ import annotations

import datetime
import time

import botocore.exceptions
import pytest

from svchelpers import admin, clock, new_model_client, wait_until
from test_daemon_task_definitions import error_of
from test_managed_instances import attribute, mi_provider
from test_managed_instances import instances as active_instances

ACCOUNT = "000000000000"
ARN = f"arn:aws:ecs:us-east-1:{ACCOUNT}"
GROUP = f"arn:aws:autoscaling:us-east-1:{ACCOUNT}:autoScalingGroup:0f1e:autoScalingGroupName/"
# Only m5.large (2048 CPU units, 7681 MiB): an app task (1536 units) and a daemon task (256)
# share one instance, two app tasks never do, so N app tasks make exactly N instances.
REQUIREMENTS = {"vCpuCount": {"min": 2, "max": 2}, "memoryMiB": {"min": 8192},
                "allowedInstanceTypes": ["m5.*"]}


def daemon_client(server):
    """The newest model's client, which knows the daemon operations (or the test is skipped)."""
    client = new_model_client(server)
    if client is None or not hasattr(client, "create_daemon"):
        pytest.skip("no botocore with the daemon operations on this machine")
    return client


@pytest.fixture
def ecs(server):  # noqa: F811 - conftest's is the old model's client
    return daemon_client(server)


# ------------------------------------------------------------------------------------ helpers

def cluster_arn(name):
    return f"{ARN}:cluster/{name}"


def provider_arn(name):
    return f"{ARN}:capacity-provider/{name}"


def mi_cluster(ecs, cluster, *providers):
    """`cluster` with one Managed Instances provider per name in `providers`; their ARNs."""
    ecs.create_cluster(clusterName=cluster)
    arns = []
    for name in providers:
        cp = ecs.create_capacity_provider(name=name, cluster=cluster, managedInstancesProvider=(
            mi_provider(requirements=REQUIREMENTS)))["capacityProvider"]
        arns.append(cp["capacityProviderArn"])
    return arns


def daemon_definition(ecs, family="agent", image="agent:1"):
    return ecs.register_daemon_task_definition(
        family=family, cpu="256", memory="512",
        containerDefinitions=[{"name": "agent", "image": image, "memory": 512,
                               "essential": True}])["daemonTaskDefinitionArn"]


def app_service(ecs, cluster, provider, count, name="app"):
    """A service of `count` tasks through `provider`, each taking most of one instance."""
    td = ecs.register_task_definition(
        family=f"{name}-td", requiresCompatibilities=["MANAGED_INSTANCES"],
        containerDefinitions=[{"name": "app", "image": "nginx:latest", "cpu": 1536,
                               "memory": 1024, "essential": True}])["taskDefinition"]
    ecs.create_service(cluster=cluster, serviceName=name, taskDefinition=td["taskDefinitionArn"],
                       desiredCount=count,
                       capacityProviderStrategy=[{"capacityProvider": provider, "weight": 1}])


def create_daemon(ecs, cluster, providers, name="agent", td=None, **kw):
    return ecs.create_daemon(daemonName=name, clusterArn=cluster_arn(cluster),
                             daemonTaskDefinitionArn=td or daemon_definition(ecs),
                             capacityProviderArns=providers, **kw)


def daemon(ecs, arn):
    return ecs.describe_daemon(daemonArn=arn)["daemon"]


def deployment(ecs, arn):
    out = ecs.describe_daemon_deployments(daemonDeploymentArns=[arn])
    assert out["failures"] == [], out["failures"]
    return out["daemonDeployments"][0]


def revision(ecs, arn):
    out = ecs.describe_daemon_revisions(daemonRevisionArns=[arn])
    assert out["failures"] == [], out["failures"]
    return out["daemonRevisions"][0]


def describe_tasks(ecs, cluster, arns, **kw):
    return ecs.describe_tasks(cluster=cluster, tasks=arns, **kw)["tasks"] if arns else []


def daemon_tasks(ecs, cluster, name, **kw):
    return describe_tasks(ecs, cluster, ecs.list_tasks(cluster=cluster, daemonName=name)["taskArns"],
                          **kw)


def service_tasks(ecs, cluster, service="app"):
    return describe_tasks(ecs, cluster,
                          ecs.list_tasks(cluster=cluster, serviceName=service)["taskArns"])


def instance_status(ecs, cluster, arns):
    out = ecs.describe_container_instances(cluster=cluster, containerInstances=list(arns))
    return {ci["containerInstanceArn"]: ci["status"] for ci in out["containerInstances"]}


def settled(ecs, cluster, name, count, service="app"):
    """Waits until `count` ACTIVE instances each run one RUNNING daemon task of daemon `name` and
    the service(s) run their tasks; returns (instances, daemon tasks)."""
    def check():
        instances = active_instances(ecs, cluster)
        tasks = [t for t in daemon_tasks(ecs, cluster, name) if t["lastStatus"] == "RUNNING"]
        svcs = ecs.describe_services(cluster=cluster, services=[service])["services"]
        ok = (len(instances) == count and len(tasks) == count
              and {t["containerInstanceArn"] for t in tasks}
              == {ci["containerInstanceArn"] for ci in instances}
              and all(s["runningCount"] == s["desiredCount"] and s["pendingCount"] == 0
                      and len(s["deployments"]) == 1 for s in svcs))
        return (instances, tasks) if ok else None
    return wait_until(check, timeout=15, what=f"{count} instances running daemon {name}")


def daemon_over_service(ecs, cluster, count, td=None, **kw):
    """`cluster` with provider CLUSTER-cp, daemon "agent" over it (CreateDaemon `kw`) and a
    service of `count` tasks, settled: (provider ARN, CreateDaemon's answer, the instances)."""
    (cp,) = mi_cluster(ecs, cluster, f"{cluster}-cp")
    out = create_daemon(ecs, cluster, [cp], td=td, **kw)
    app_service(ecs, cluster, f"{cluster}-cp", count)
    instances, _ = settled(ecs, cluster, "agent", count)
    return cp, out, instances


def frozen_update(server, ecs, cp, created, config, image="agent:2"):
    """Freezes the clock, then updates the daemon to a new definition revision running `image`:
    (UpdateDaemon's answer, that daemon task definition's ARN)."""
    clock(server, "freeze")
    td = daemon_definition(ecs, image=image)
    return ecs.update_daemon(daemonArn=created["daemonArn"], daemonTaskDefinitionArn=td,
                             capacityProviderArns=[cp], deploymentConfiguration=config), td


def advance(server, by):
    clock(server, "advance", by=by)


def advance_until(server, ecs, arn, statuses, by="1s", limit=300):
    """Advances the frozen clock `by` at a time until deployment `arn` has one of `statuses`;
    returns it and every status seen on the way."""
    seen = []
    for _ in range(limit):
        d = deployment(ecs, arn)
        if not seen or seen[-1] != d["status"]:
            seen.append(d["status"])
        if d["status"] in statuses:
            return d, seen
        advance(server, by)
    raise AssertionError(f"deployment never reached {statuses}: saw {seen}")


def total_running(revisions):
    return sum(r["totalRunningInstanceCount"] for r in revisions)


def page_all(call, key, **kw):
    pages, token = [], None
    while True:
        page = call(**kw, **({"nextToken": token} if token else {}))
        pages.append(page[key])
        token = page.get("nextToken")
        if not token:
            return pages


# -------------------------------------------------------------------------------------- tests

def test_create_on_empty_providers_succeeds_at_once(ecs):
    (cp,) = mi_cluster(ecs, "d-empty", "d-empty-cp")
    td = daemon_definition(ecs)
    started = time.monotonic()
    out = ecs.create_daemon(daemonName="agent", clusterArn=cluster_arn("d-empty"),
                            daemonTaskDefinitionArn=td, capacityProviderArns=[cp])
    arn = out["daemonArn"]
    assert arn == f"{ARN}:daemon/d-empty/agent" and out["status"] == "ACTIVE"
    assert out["deploymentArn"].startswith(f"{ARN}:daemon-deployment/d-empty/agent/")
    # No instances: nothing to replace, so both waiters pass on their first poll.
    ecs.get_waiter("daemon_active").wait(daemonArn=arn)
    ecs.get_waiter("daemon_deployment_successful").wait(daemonDeploymentArns=[out["deploymentArn"]])
    assert time.monotonic() - started < 2
    d = daemon(ecs, arn)
    assert (d["daemonArn"], d["clusterArn"], d["status"]) == (arn, cluster_arn("d-empty"), "ACTIVE")
    assert d["deploymentArn"] == out["deploymentArn"] and d["createdAt"] == out["createdAt"]
    assert d["updatedAt"] >= d["createdAt"]
    assert d.get("currentRevisions", []) == []  # no daemon task runs anywhere
    dep = deployment(ecs, out["deploymentArn"])
    assert (dep["clusterArn"], dep["status"]) == (cluster_arn("d-empty"), "SUCCESSFUL")
    assert dep["deploymentConfiguration"]["drainPercent"] == 25.0
    assert dep["deploymentConfiguration"]["bakeTimeInMinutes"] == 0
    assert dep["createdAt"] <= dep["startedAt"] <= dep["finishedAt"]
    target = dep["targetDaemonRevision"]
    assert target["arn"].startswith(f"{ARN}:daemon-revision/d-empty/agent/")
    assert target["totalRunningInstanceCount"] == 0
    rev = revision(ecs, target["arn"])
    assert (rev["daemonRevisionArn"], rev["clusterArn"], rev["daemonArn"]) == (
        target["arn"], cluster_arn("d-empty"), arn)
    assert rev["daemonTaskDefinitionArn"] == td
    assert rev["containerImages"] == [{"containerName": "agent", "image": "agent:1"}]
    listed = ecs.list_daemons()["daemonSummariesList"]
    assert [(s["daemonArn"], s["status"]) for s in listed] == [(arn, "ACTIVE")]
    # Without clusterArn: the default cluster; a family names its latest revision.
    (default_cp,) = mi_cluster(ecs, "default", "d-default-cp")
    out = ecs.create_daemon(daemonName="agent", daemonTaskDefinitionArn="agent",
                            capacityProviderArns=["d-default-cp"])
    assert out["daemonArn"] == f"{ARN}:daemon/default/agent"
    dep = deployment(ecs, out["deploymentArn"])
    assert revision(ecs, dep["targetDaemonRevision"]["arn"])["daemonTaskDefinitionArn"] == td
    assert default_cp == provider_arn("d-default-cp")


def test_create_validation_errors_change_nothing(ecs):
    (cp,) = mi_cluster(ecs, "d-val", "d-val-cp")
    mi_cluster(ecs, "d-val-other", "d-other-cp")
    ecs.create_capacity_provider(name="d-asg-cp",
                                 autoScalingGroupProvider={"autoScalingGroupArn": GROUP + "g"})
    td = daemon_definition(ecs)
    base = {"daemonName": "agent", "clusterArn": cluster_arn("d-val"),
            "daemonTaskDefinitionArn": td, "capacityProviderArns": [cp]}
    cases = [
        ({"clusterArn": cluster_arn("nope")}, "ClusterNotFoundException"),
        ({"daemonTaskDefinitionArn": "ghost:1"}, "ClientException"),
        ({"daemonTaskDefinitionArn": td.rsplit(":", 1)[0] + ":9"}, "ClientException"),
        ({"capacityProviderArns": ["FARGATE"]}, "InvalidParameterException"),
        ({"capacityProviderArns": ["d-asg-cp"]}, "InvalidParameterException"),
        ({"capacityProviderArns": [provider_arn("d-other-cp")]}, "InvalidParameterException"),
        ({"capacityProviderArns": [cp, "d-missing-cp"]}, "InvalidParameterException"),
        ({"capacityProviderArns": []}, "InvalidParameterException"),
        ({"deploymentConfiguration": {"drainPercent": 150.0}}, "InvalidParameterException"),
        ({"deploymentConfiguration": {"bakeTimeInMinutes": -1}}, "InvalidParameterException"),
        ({"deploymentConfiguration": {"alarms": {"alarmNames": [], "enable": True}}},
         "InvalidParameterException"),
    ]
    for change, code in cases:
        got, message = error_of(ecs.create_daemon, **{**base, **change})
        assert got == code, (change, got, message)
        assert message, change
    assert ecs.list_daemons()["daemonSummariesList"] == []
    assert ecs.list_tasks(cluster="d-val", daemonName="agent")["taskArns"] == []


def test_a_provider_a_daemon_deploys_to_is_not_deleted(ecs):
    (cp,) = mi_cluster(ecs, "d-cpdel", "d-cpdel-cp")
    create_daemon(ecs, "d-cpdel", [cp])
    out = ecs.delete_capacity_provider(capacityProvider=cp, cluster="d-cpdel")["capacityProvider"]
    assert out["updateStatus"] == "DELETE_FAILED"
    assert "daemon" in out["updateStatusReason"]
    (still,) = ecs.describe_capacity_providers(capacityProviders=[cp])["capacityProviders"]
    assert still["status"] == "ACTIVE"


def test_same_name_conflicts_unless_same_client_token(ecs):
    (cp,) = mi_cluster(ecs, "d-idem", "d-idem-cp")
    td = daemon_definition(ecs)
    first = create_daemon(ecs, "d-idem", [cp], td=td, clientToken="token-1")
    again = create_daemon(ecs, "d-idem", [cp], td=td, clientToken="token-1")
    assert (again["daemonArn"], again["deploymentArn"]) == (first["daemonArn"],
                                                            first["deploymentArn"])
    code, message = error_of(ecs.create_daemon, daemonName="agent",
                             clusterArn=cluster_arn("d-idem"), daemonTaskDefinitionArn=td,
                             capacityProviderArns=[cp])
    assert code == "InvalidParameterException", message
    listed = ecs.list_daemon_deployments(daemonArn=first["daemonArn"])["daemonDeployments"]
    assert [d["daemonDeploymentArn"] for d in listed] == [first["deploymentArn"]]
    assert len(ecs.list_daemons()["daemonSummariesList"]) == 1
    # The same token with other parameters is not a retry: the name is taken.
    code, message = error_of(ecs.create_daemon, daemonName="agent", clientToken="token-1",
                             clusterArn=cluster_arn("d-idem"), daemonTaskDefinitionArn=td,
                             capacityProviderArns=[cp],
                             deploymentConfiguration={"drainPercent": 10.0})
    assert code == "InvalidParameterException", message


def test_create_over_existing_instances_replaces_them(server, ecs, aws):
    (cp,) = mi_cluster(ecs, "d-over", "d-over-cp")
    app_service(ecs, "d-over", "d-over-cp", 2)
    wait_until(lambda: len(active_instances(ecs, "d-over")) == 2
               and all(t["lastStatus"] == "RUNNING" for t in service_tasks(ecs, "d-over")),
               what="2 app instances")
    before = {ci["containerInstanceArn"]: ci for ci in active_instances(ecs, "d-over")}
    td = daemon_definition(ecs)
    started = time.monotonic()
    out = create_daemon(ecs, "d-over", [cp], td=td)
    ecs.get_waiter("daemon_deployment_successful").wait(daemonDeploymentArns=[out["deploymentArn"]])
    waited = time.monotonic() - started
    instances, tasks = settled(ecs, "d-over", "agent", 2)
    assert not {ci["containerInstanceArn"] for ci in instances} & set(before)
    assert set(instance_status(ecs, "d-over", before).values()) == {"INACTIVE"}
    # Replacements of the same type and zone.
    assert sorted(attribute(ci, "ecs.availability-zone") for ci in instances) == sorted(
        attribute(ci, "ecs.availability-zone") for ci in before.values())
    assert {attribute(ci, "ecs.instance-type") for ci in instances} == {"m5.large"}
    deployment_id = out["deploymentArn"].rsplit("/", 1)[1]
    for t in tasks:
        assert (t["group"], t["launchType"]) == ("daemon:agent", "MANAGED_INSTANCES")
        assert (t["capacityProviderName"], t["taskDefinitionArn"]) == ("d-over-cp", td)
        assert t["startedBy"] == deployment_id
    assert ecs.list_tasks(cluster="d-over", daemonName="ghost")["taskArns"] == []
    listed = aws("list-tasks", "--cluster", "d-over", "--started-by", deployment_id)
    assert sorted(listed["taskArns"]) == sorted(t["taskArn"] for t in tasks)
    d = daemon(ecs, out["daemonArn"])
    (current,) = d["currentRevisions"]
    assert current["totalRunningCount"] == 2
    assert current["capacityProviders"] == [{"arn": cp, "runningCount": 2}]
    dep = deployment(ecs, out["deploymentArn"])
    assert dep["targetDaemonRevision"]["arn"] == current["arn"]
    assert dep["targetDaemonRevision"]["totalRunningInstanceCount"] == 2
    assert waited < 2, f"DaemonDeploymentSuccessful took {waited:.1f} s"


def test_a_new_instance_runs_its_daemon_task_first(server, ecs):
    """The service tasks that make the provider launch exist (PROVISIONING) before the instance
    does, so their createdAt comes first; what the model promises ("ECS starts a daemon task
    before scheduling other tasks") is seen on a frozen clock, a millisecond at a time: no
    instance ever holds a service task without its daemon task, which starts no later."""
    (cp,) = mi_cluster(ecs, "d-first", "d-first-cp")
    create_daemon(ecs, "d-first", [cp])
    clock(server, "freeze")
    app_service(ecs, "d-first", "d-first-cp", 2)
    first_seen = {}
    for _ in range(200):
        for t in describe_tasks(ecs, "d-first", ecs.list_tasks(cluster="d-first")["taskArns"]):
            if "containerInstanceArn" in t:
                first_seen.setdefault(t["containerInstanceArn"], set()).add(t["group"])
        if len(first_seen) == 2 and all(len(g) == 2 for g in first_seen.values()):
            break
        advance(server, "1ms")
    for groups in first_seen.values():
        assert "daemon:agent" in groups, first_seen  # present whenever the instance has a task
    advance(server, "1s")
    _, tasks = settled(ecs, "d-first", "agent", 2)
    for t in tasks:
        on_it = describe_tasks(ecs, "d-first", ecs.list_tasks(
            cluster="d-first", containerInstance=t["containerInstanceArn"])["taskArns"])
        others = [o for o in on_it if o["taskArn"] != t["taskArn"]]
        assert [o["group"] for o in others] == ["service:app"]
        assert all(t["startedAt"] <= o["startedAt"] for o in others), (t, others)


def test_rolling_update_on_a_frozen_clock(server, ecs):
    config = {"drainPercent": 50.0, "bakeTimeInMinutes": 1}
    cp, out, before = daemon_over_service(ecs, "d-roll", 4, deploymentConfiguration=config)
    assert deployment(ecs, out["deploymentArn"])["status"] == "SUCCESSFUL"
    update, td2 = frozen_update(server, ecs, cp, out, config)
    arn = update["deploymentArn"]
    assert arn != out["deploymentArn"] and update["status"] == "ACTIVE"
    described = daemon(ecs, out["daemonArn"])
    assert described["updatedAt"] == update["updatedAt"] > described["createdAt"]
    assert described["deploymentArn"] == arn
    assert deployment(ecs, arn)["status"] == "PENDING"
    # The first second a millisecond at a time: never more than one batch drains at once.
    draining, running = [], []
    for _ in range(100):
        advance(server, "1ms")
        d = deployment(ecs, arn)
        draining.append(sum(s["totalDrainingInstanceCount"] for s in d["sourceDaemonRevisions"]))
        running.append(total_running(d["sourceDaemonRevisions"]))
    assert max(draining) == 2, draining
    advance(server, "900ms")
    d = deployment(ecs, arn)
    # ceil(50 % of 4) = 2 instances per batch; the first is done and bakes for a minute.
    assert d["status"] == "IN_PROGRESS", d
    assert d["targetDaemonRevision"]["totalRunningInstanceCount"] == 2, d
    assert [s["totalRunningInstanceCount"] for s in d["sourceDaemonRevisions"]] == [2], d
    assert [p["arn"] for p in d["targetDaemonRevision"]["capacityProviders"]] == [cp]
    advance(server, "60s")
    d = deployment(ecs, arn)
    assert d["status"] == "IN_PROGRESS", d  # the second batch bakes
    assert d["targetDaemonRevision"]["totalRunningInstanceCount"] == 4, d
    assert total_running(d["sourceDaemonRevisions"]) == 0, d
    advance(server, "60s")
    d = deployment(ecs, arn)
    assert d["status"] == "SUCCESSFUL" and d["finishedAt"] >= d["startedAt"], d
    after = active_instances(ecs, "d-roll")
    assert len(after) == 4
    assert sorted(attribute(ci, "ecs.availability-zone") for ci in after) == sorted(
        attribute(ci, "ecs.availability-zone") for ci in before)
    assert set(instance_status(ecs, "d-roll", [ci["containerInstanceArn"] for ci in before])
               .values()) == {"INACTIVE"}
    assert not {ci["containerInstanceArn"] for ci in after} & {
        ci["containerInstanceArn"] for ci in before}
    tasks = [t for t in daemon_tasks(ecs, "d-roll", "agent") if t["lastStatus"] == "RUNNING"]
    assert [t["taskDefinitionArn"] for t in tasks] == [td2] * 4
    assert {t["startedBy"] for t in tasks} == {arn.rsplit("/", 1)[1]}
    assert [t["lastStatus"] for t in service_tasks(ecs, "d-roll")] == ["RUNNING"] * 4
    (current,) = daemon(ecs, out["daemonArn"])["currentRevisions"]
    assert current["arn"] == d["targetDaemonRevision"]["arn"] and current["totalRunningCount"] == 4
    # A rollout never adds instances of the old revision: a drained one stays out of "running".
    assert running == sorted(running, reverse=True), running


def test_a_newer_update_stops_the_unfinished_deployment(server, ecs):
    config = {"drainPercent": 50.0, "bakeTimeInMinutes": 1}
    cp, out, _ = daemon_over_service(ecs, "d-stop", 2, deploymentConfiguration=config)
    first_rev = deployment(ecs, out["deploymentArn"])["targetDaemonRevision"]["arn"]
    second = frozen_update(server, ecs, cp, out, config)[0]["deploymentArn"]
    advance(server, "1s")
    d = deployment(ecs, second)
    assert d["status"] == "IN_PROGRESS", d  # one of two instances replaced, baking
    second_rev = d["targetDaemonRevision"]["arn"]
    td3 = daemon_definition(ecs, image="agent:3")
    third = ecs.update_daemon(daemonArn=out["daemonArn"], daemonTaskDefinitionArn=td3,
                              capacityProviderArns=[cp],
                              deploymentConfiguration=config)["deploymentArn"]
    stopped = deployment(ecs, second)
    assert stopped["status"] == "STOPPED" and "stoppedAt" in stopped, stopped
    ecs.get_waiter("daemon_deployment_stopped").wait(daemonDeploymentArns=[second])
    d, _ = advance_until(server, ecs, third, {"SUCCESSFUL", "STOPPED", "ROLLBACK_SUCCESSFUL"})
    assert d["status"] == "SUCCESSFUL", d
    assert {s["arn"] for s in d["sourceDaemonRevisions"]} == {first_rev, second_rev}, d
    assert [t["taskDefinitionArn"] for t in daemon_tasks(ecs, "d-stop", "agent")
            if t["lastStatus"] == "RUNNING"] == [td3] * 2
    listed = ecs.list_daemon_deployments(daemonArn=out["daemonArn"], status=["STOPPED"])
    assert [x["daemonDeploymentArn"] for x in listed["daemonDeployments"]] == [second]


def test_update_errors_change_nothing(ecs):
    (cp,) = mi_cluster(ecs, "d-upd", "d-upd-cp")
    out = create_daemon(ecs, "d-upd", [cp])
    td = daemon_definition(ecs, image="agent:2")
    base = {"daemonArn": out["daemonArn"], "daemonTaskDefinitionArn": td,
            "capacityProviderArns": [cp]}
    cases = [
        ({"daemonArn": f"{ARN}:daemon/d-upd/ghost"}, "DaemonNotFoundException"),
        ({"daemonTaskDefinitionArn": "ghost:1"}, "ClientException"),
        ({"capacityProviderArns": ["FARGATE"]}, "InvalidParameterException"),
        ({"capacityProviderArns": []}, "InvalidParameterException"),
        ({"deploymentConfiguration": {"drainPercent": 150.0}}, "InvalidParameterException"),
    ]
    for change, code in cases:
        got, message = error_of(ecs.update_daemon, **{**base, **change})
        assert got == code, (change, got, message)
    assert error_of(ecs.describe_daemon, daemonArn=f"{ARN}:daemon/d-upd/ghost")[0] == \
        "DaemonNotFoundException"
    listed = ecs.list_daemon_deployments(daemonArn=out["daemonArn"])["daemonDeployments"]
    assert [d["daemonDeploymentArn"] for d in listed] == [out["deploymentArn"]]
    assert daemon(ecs, out["daemonArn"])["deploymentArn"] == out["deploymentArn"]


def test_delete_drains_then_the_daemon_is_gone(server, ecs):
    td = daemon_definition(ecs)
    cp, out, before = daemon_over_service(ecs, "d-del", 2, td=td)
    rev = deployment(ecs, out["deploymentArn"])["targetDaemonRevision"]["arn"]
    ecs.delete_daemon_task_definition(daemonTaskDefinition=td)
    status = ecs.describe_daemon_task_definition(daemonTaskDefinition=td)["daemonTaskDefinition"][
        "status"]
    assert status == "DELETE_IN_PROGRESS"  # a daemon still runs it
    clock(server, "freeze")
    deleted = ecs.delete_daemon(daemonArn=out["daemonArn"])
    assert deleted["status"] == "DELETE_IN_PROGRESS" and deleted["daemonArn"] == out["daemonArn"]
    assert daemon(ecs, out["daemonArn"])["status"] == "DELETE_IN_PROGRESS"
    d = deployment(ecs, deleted["deploymentArn"])
    assert "targetDaemonRevision" not in d, d
    assert [s["arn"] for s in d["sourceDaemonRevisions"]] == [rev], d
    for call, kw in [(ecs.delete_daemon, {}),
                     (ecs.update_daemon, {"daemonTaskDefinitionArn": td,
                                          "capacityProviderArns": [cp]})]:
        assert error_of(call, daemonArn=out["daemonArn"], **kw)[0] == "DaemonNotActiveException"
    listed = ecs.list_daemons(clusterArn=cluster_arn("d-del"))["daemonSummariesList"]
    assert [(s["daemonArn"], s["status"]) for s in listed] == [(out["daemonArn"],
                                                                "DELETE_IN_PROGRESS")]
    with pytest.raises(botocore.exceptions.WaiterError):  # DELETE_IN_PROGRESS is its failure
        ecs.get_waiter("daemon_active").wait(daemonArn=out["daemonArn"])

    def gone():
        advance(server, "1s")
        try:
            daemon(ecs, out["daemonArn"])
            return False
        except botocore.exceptions.ClientError as e:
            return e.response["Error"]["Code"] == "DaemonNotFoundException"
    wait_until(gone, timeout=30, interval=0, what="daemon gone")
    advance(server, "5s")  # the service tasks settle on the replacements
    assert ecs.list_daemons()["daemonSummariesList"] == []
    assert ecs.list_tasks(cluster="d-del", daemonName="agent")["taskArns"] == []
    assert deployment(ecs, deleted["deploymentArn"])["status"] == "SUCCESSFUL"
    assert deployment(ecs, out["deploymentArn"])["status"] == "SUCCESSFUL"
    assert revision(ecs, rev)["daemonTaskDefinitionArn"] == td
    status = ecs.describe_daemon_task_definition(daemonTaskDefinition=td)["daemonTaskDefinition"][
        "status"]
    assert status == "DELETED"
    after = active_instances(ecs, "d-del")
    assert len(after) == 2 and not {c["containerInstanceArn"] for c in after} & {
        c["containerInstanceArn"] for c in before}
    assert [t["lastStatus"] for t in service_tasks(ecs, "d-del")] == ["RUNNING"] * 2


def test_a_stopped_daemon_task_replaces_its_instance(server, ecs):
    daemon_over_service(ecs, "d-kill", 2)
    victim = daemon_tasks(ecs, "d-kill", "agent")[0]
    ecs.stop_task(cluster="d-kill", task=victim["taskArn"], reason="test")
    wait_until(lambda: instance_status(ecs, "d-kill", [victim["containerInstanceArn"]])[
        victim["containerInstanceArn"]] == "INACTIVE", what="drained instance deregistered")
    instances, tasks = settled(ecs, "d-kill", "agent", 2)
    assert victim["containerInstanceArn"] not in {ci["containerInstanceArn"] for ci in instances}
    assert victim["taskArn"] not in {t["taskArn"] for t in tasks}
    assert describe_tasks(ecs, "d-kill", [victim["taskArn"]])[0]["lastStatus"] == "STOPPED"
    stopped = ecs.list_tasks(cluster="d-kill", daemonName="agent", desiredStatus="STOPPED")
    assert victim["taskArn"] in stopped["taskArns"]


def test_a_lost_instance_is_replaced_with_its_daemon(server, ecs):
    daemon_over_service(ecs, "d-lost", 2)
    victim = daemon_tasks(ecs, "d-lost", "agent")[0]
    status, out = admin(server, "faults", {"type": "lose-instance", "cluster": "d-lost",
                                           "containerInstance": victim["containerInstanceArn"]})
    assert status == 200, out
    instances, _ = settled(ecs, "d-lost", "agent", 2)
    assert victim["containerInstanceArn"] not in {ci["containerInstanceArn"] for ci in instances}
    assert describe_tasks(ecs, "d-lost", [victim["taskArn"]])[0]["lastStatus"] == "STOPPED"


def test_two_providers_are_counted_apart(server, ecs):
    a, b = mi_cluster(ecs, "d-two", "d-two-a", "d-two-b")
    out = ecs.create_daemon(daemonName="agent", clusterArn=cluster_arn("d-two"),
                            daemonTaskDefinitionArn=daemon_definition(ecs),
                            capacityProviderArns=["d-two-a", b])  # a name and an ARN
    app_service(ecs, "d-two", "d-two-a", 1, name="app")
    app_service(ecs, "d-two", "d-two-b", 2, name="other")
    wait_until(lambda: len([t for t in daemon_tasks(ecs, "d-two", "agent")
                            if t["lastStatus"] == "RUNNING"]) == 3, what="3 daemon tasks")
    (current,) = daemon(ecs, out["daemonArn"])["currentRevisions"]
    assert sorted(current["capacityProviders"], key=lambda p: p["arn"]) == [
        {"arn": a, "runningCount": 1}, {"arn": b, "runningCount": 2}]
    assert current["totalRunningCount"] == 3
    by_instance = {ci["containerInstanceArn"]: ci["capacityProviderName"]
                   for ci in active_instances(ecs, "d-two")}
    for t in daemon_tasks(ecs, "d-two", "agent"):
        assert t["capacityProviderName"] == by_instance[t["containerInstanceArn"]]
    # An instance joins provider B (its service grows) and one of provider A is lost: each
    # instance that joins runs the daemon; the lost one's daemon task stops with it.
    ecs.update_service(cluster="d-two", service="other", desiredCount=3)
    (lost,) = [t for t in daemon_tasks(ecs, "d-two", "agent")
               if t["capacityProviderName"] == "d-two-a"]
    status, body = admin(server, "faults", {"type": "lose-instance", "cluster": "d-two",
                                            "containerInstance": lost["containerInstanceArn"]})
    assert status == 200, body

    def counted():
        (rev,) = daemon(ecs, out["daemonArn"])["currentRevisions"]
        return sorted((p["arn"], p["runningCount"]) for p in rev["capacityProviders"])

    wait_until(lambda: counted() == sorted([(a, 1), (b, 3)]), what="1 on A, 3 on B")
    running = [t for t in daemon_tasks(ecs, "d-two", "agent") if t["lastStatus"] == "RUNNING"]
    assert lost["containerInstanceArn"] not in {t["containerInstanceArn"] for t in running}
    assert {t["containerInstanceArn"] for t in running} == {
        ci["containerInstanceArn"] for ci in active_instances(ecs, "d-two")}
    assert describe_tasks(ecs, "d-two", [lost["taskArn"]])[0]["lastStatus"] == "STOPPED"
    only_b = ecs.create_daemon(daemonName="agent-b", clusterArn=cluster_arn("d-two"),
                               daemonTaskDefinitionArn="agent", capacityProviderArns=[b])
    listed = ecs.list_daemons(capacityProviderArns=[a])["daemonSummariesList"]
    assert [s["daemonArn"] for s in listed] == [out["daemonArn"]]
    listed = ecs.list_daemons(capacityProviderArns=[b])["daemonSummariesList"]
    assert {s["daemonArn"] for s in listed} == {out["daemonArn"], only_b["daemonArn"]}


def test_list_daemon_deployments_filters_and_pages(server, ecs):
    (cp,) = mi_cluster(ecs, "d-list", "d-list-cp")
    clock(server, "freeze")
    out = create_daemon(ecs, "d-list", [cp])
    arns = [out["deploymentArn"]]
    for image in ("agent:2", "agent:3"):
        advance(server, "10s")
        arns.append(ecs.update_daemon(daemonArn=out["daemonArn"], capacityProviderArns=[cp],
                                      daemonTaskDefinitionArn=daemon_definition(ecs, image=image))
                    ["deploymentArn"])
    advance(server, "10s")
    listed = ecs.list_daemon_deployments(daemonArn=out["daemonArn"])["daemonDeployments"]
    assert [d["daemonDeploymentArn"] for d in listed] == arns[::-1]  # newest first
    for d in listed:
        assert (d["daemonArn"], d["clusterArn"], d["status"]) == (
            out["daemonArn"], cluster_arn("d-list"), "SUCCESSFUL")
        assert d["targetDaemonRevisionArn"] == deployment(
            ecs, d["daemonDeploymentArn"])["targetDaemonRevision"]["arn"]
    middle = listed[1]["createdAt"]
    second = datetime.timedelta(seconds=1)

    def only(**kw):
        got = ecs.list_daemon_deployments(daemonArn=out["daemonArn"], **kw)["daemonDeployments"]
        return [d["daemonDeploymentArn"] for d in got]
    assert only(createdAt={"after": middle - second}) == [arns[2], arns[1]]
    assert only(createdAt={"before": middle + second}) == [arns[1], arns[0]]
    assert only(createdAt={"after": middle - second, "before": middle + second}) == [arns[1]]
    assert only(status=["SUCCESSFUL"]) == arns[::-1]
    assert only(status=["IN_PROGRESS", "PENDING"]) == []
    pages = page_all(ecs.list_daemon_deployments, "daemonDeployments", daemonArn=out["daemonArn"],
                     maxResults=1)
    assert [[d["daemonDeploymentArn"] for d in p] for p in pages] == [[a] for a in arns[::-1]]
    for bad in (0, 101):
        assert error_of(ecs.list_daemon_deployments, daemonArn=out["daemonArn"],
                        maxResults=bad)[0] == "InvalidParameterException"
    # 21 deployments: the default page is 20.
    td = daemon_definition(ecs, image="agent:4")
    for _ in range(18):
        ecs.update_daemon(daemonArn=out["daemonArn"], capacityProviderArns=[cp],
                          daemonTaskDefinitionArn=td)
    pages = page_all(ecs.list_daemon_deployments, "daemonDeployments", daemonArn=out["daemonArn"])
    assert [len(p) for p in pages] == [20, 1]
    assert pages[1][0]["daemonDeploymentArn"] == arns[0]


def test_list_daemons_filters_and_pages(ecs):
    (a,) = mi_cluster(ecs, "d-la", "d-la-cp")
    (b,) = mi_cluster(ecs, "d-lb", "d-lb-cp")
    td = daemon_definition(ecs)
    made = {create_daemon(ecs, "d-la", [a], name=n, td=td)["daemonArn"] for n in ("x", "y", "z")}
    other = create_daemon(ecs, "d-lb", [b], name="x", td=td)["daemonArn"]
    pages = page_all(ecs.list_daemons, "daemonSummariesList", maxResults=2)
    assert [len(p) for p in pages] == [2, 2]
    assert {s["daemonArn"] for p in pages for s in p} == made | {other}
    for s in pages[0] + pages[1]:
        assert s["status"] == "ACTIVE" and s["updatedAt"] >= s["createdAt"]
    by_cluster = ecs.list_daemons(clusterArn=cluster_arn("d-lb"))["daemonSummariesList"]
    assert [s["daemonArn"] for s in by_cluster] == [other]
    by_provider = ecs.list_daemons(capacityProviderArns=[a])["daemonSummariesList"]
    assert {s["daemonArn"] for s in by_provider} == made
    for bad in (0, 101):
        assert error_of(ecs.list_daemons, maxResults=bad)[0] == "InvalidParameterException"


def test_describe_unknown_and_too_many(ecs):
    (cp,) = mi_cluster(ecs, "d-desc", "d-desc-cp")
    out = create_daemon(ecs, "d-desc", [cp])
    known_dep = out["deploymentArn"]
    known_rev = deployment(ecs, known_dep)["targetDaemonRevision"]["arn"]
    ghost_dep = f"{ARN}:daemon-deployment/d-desc/agent/0000000000000000"
    ghost_rev = f"{ARN}:daemon-revision/d-desc/agent/0000000000000000"
    got = ecs.describe_daemon_deployments(daemonDeploymentArns=[known_dep, ghost_dep])
    assert [d["daemonDeploymentArn"] for d in got["daemonDeployments"]] == [known_dep]
    assert [(f["arn"], f["reason"]) for f in got["failures"]] == [(ghost_dep, "MISSING")]
    got = ecs.describe_daemon_revisions(daemonRevisionArns=[ghost_rev, known_rev])
    assert [r["daemonRevisionArn"] for r in got["daemonRevisions"]] == [known_rev]
    assert [(f["arn"], f["reason"]) for f in got["failures"]] == [(ghost_rev, "MISSING")]
    many = [f"{ghost_dep[:-2]}{i:02d}" for i in range(21)]
    assert error_of(ecs.describe_daemon_deployments, daemonDeploymentArns=many)[0] == \
        "InvalidParameterException"
    many = [f"{ghost_rev[:-2]}{i:02d}" for i in range(21)]
    assert error_of(ecs.describe_daemon_revisions, daemonRevisionArns=many)[0] == \
        "InvalidParameterException"
    with pytest.raises(botocore.exceptions.WaiterError):  # MISSING is its failure state
        ecs.get_waiter("daemon_deployment_successful").wait(daemonDeploymentArns=[ghost_dep])


def test_tags_and_revision_settings(ecs):
    (cp,) = mi_cluster(ecs, "d-tags", "d-tags-cp")
    tags = [{"key": "team", "value": "obs"}]
    out = create_daemon(ecs, "d-tags", [cp], tags=tags, propagateTags="DAEMON",
                        enableExecuteCommand=True, enableECSManagedTags=True)
    assert ecs.list_tags_for_resource(resourceArn=out["daemonArn"])["tags"] == tags
    rev = revision(ecs, deployment(ecs, out["deploymentArn"])["targetDaemonRevision"]["arn"])
    assert (rev["propagateTags"], rev["enableExecuteCommand"], rev["enableECSManagedTags"]) == (
        "DAEMON", True, True)
    app_service(ecs, "d-tags", "d-tags-cp", 1)
    settled(ecs, "d-tags", "agent", 1)
    (task,) = daemon_tasks(ecs, "d-tags", "agent", include=["TAGS"])
    assert {"key": "team", "value": "obs"} in task.get("tags", []), task
    assert {"key": "aws:ecs:clusterName", "value": "d-tags"} in task["tags"], task
    assert task["enableExecuteCommand"] is True
    # Turned off: the new revision's tasks have no tags and no execute command.
    arn = ecs.update_daemon(daemonArn=out["daemonArn"], daemonTaskDefinitionArn="agent",
                            capacityProviderArns=[cp], propagateTags="NONE",
                            enableECSManagedTags=False, enableExecuteCommand=False)[
        "deploymentArn"]
    wait_until(lambda: deployment(ecs, arn)["status"] == "SUCCESSFUL", what="update done")
    _, (task,) = settled(ecs, "d-tags", "agent", 1)
    task = describe_tasks(ecs, "d-tags", [task["taskArn"]], include=["TAGS"])[0]
    assert task.get("tags", []) == [] and task.get("enableExecuteCommand") is False, task


def test_update_adds_a_provider(ecs):
    a, b = mi_cluster(ecs, "d-add", "d-add-a", "d-add-b")
    out = create_daemon(ecs, "d-add", [a])
    app_service(ecs, "d-add", "d-add-a", 1, name="app")
    app_service(ecs, "d-add", "d-add-b", 1, name="other")
    wait_until(lambda: len(active_instances(ecs, "d-add")) == 2
               and len(daemon_tasks(ecs, "d-add", "agent")) == 1, what="daemon on A only")
    update = ecs.update_daemon(daemonArn=out["daemonArn"], daemonTaskDefinitionArn="agent",
                               capacityProviderArns=[a, b])
    instances, tasks = settled(ecs, "d-add", "agent", 2)
    providers = {ci["containerInstanceArn"]: ci["capacityProviderName"] for ci in instances}
    assert sorted(providers.values()) == ["d-add-a", "d-add-b"]
    for t in tasks:
        assert t["capacityProviderName"] == providers[t["containerInstanceArn"]]
    assert deployment(ecs, update["deploymentArn"])["status"] == "SUCCESSFUL"
    (current,) = daemon(ecs, out["daemonArn"])["currentRevisions"]
    assert sorted(current["capacityProviders"], key=lambda p: p["arn"]) == [
        {"arn": a, "runningCount": 1}, {"arn": b, "runningCount": 1}]


def test_alarm_rolls_back(server, ecs):
    status, body = admin(server, "alarms", {"alarmName": "agent-errors", "state": "OK"})
    assert status == 200, body
    config = {"drainPercent": 50.0, "bakeTimeInMinutes": 1,
              "alarms": {"alarmNames": ["agent-errors"], "enable": True}}
    td = daemon_definition(ecs)
    cp, out, _ = daemon_over_service(ecs, "d-alarm", 2, td=td, deploymentConfiguration=config)
    old_rev = deployment(ecs, out["deploymentArn"])["targetDaemonRevision"]["arn"]
    arn = frozen_update(server, ecs, cp, out, config)[0]["deploymentArn"]
    advance(server, "1s")
    d = deployment(ecs, arn)
    assert d["status"] == "IN_PROGRESS" and d["alarms"]["status"] == "MONITORING", d
    status, body = admin(server, "alarms", {"alarmName": "agent-errors", "state": "ALARM"})
    assert status == 200, body
    d, seen = advance_until(server, ecs, arn, {"ROLLBACK_IN_PROGRESS", "ROLLBACK_SUCCESSFUL",
                                               "ROLLBACK_FAILED", "STOPPED", "SUCCESSFUL"},
                            by="1ms", limit=1000)
    # Rolling back takes steps (drain, launch, join) of at least 1 ms each on a frozen clock.
    assert seen == ["IN_PROGRESS", "ROLLBACK_IN_PROGRESS"], seen
    d, seen = advance_until(server, ecs, arn, {"ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED"})
    assert d["status"] == "ROLLBACK_SUCCESSFUL", seen
    assert d["alarms"]["status"] == "TRIGGERED", d
    assert d["alarms"]["triggeredAlarmNames"] == ["agent-errors"], d
    rollback = d["rollback"]
    assert rollback["rollbackTargetDaemonRevisionArn"] == old_rev and rollback["reason"], d
    assert rollback["startedAt"] >= d["startedAt"]
    tasks = [t for t in daemon_tasks(ecs, "d-alarm", "agent") if t["lastStatus"] == "RUNNING"]
    assert [t["taskDefinitionArn"] for t in tasks] == [td] * 2
    (current,) = daemon(ecs, out["daemonArn"])["currentRevisions"]
    assert current["arn"] == old_rev


def test_circuit_breaker_rolls_back_daemon_tasks_that_fail(server, ecs):
    config = {"drainPercent": 50.0, "bakeTimeInMinutes": 0}
    td = daemon_definition(ecs)
    cp, out, _ = daemon_over_service(ecs, "d-cb", 2, td=td, deploymentConfiguration=config)
    old_rev = deployment(ecs, out["deploymentArn"])["targetDaemonRevision"]["arn"]
    status, body = admin(server, "task-behaviors", {"match": {"image": "agent:bad"},
                                                    "failToStart": "CannotPullContainerError: x"})
    assert status == 201, body
    arn = frozen_update(server, ecs, cp, out, config, image="agent:bad")[0]["deploymentArn"]
    d, seen = advance_until(server, ecs, arn, {"ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED",
                                               "SUCCESSFUL", "STOPPED"})
    assert d["status"] == "ROLLBACK_SUCCESSFUL", seen
    breaker = d["circuitBreaker"]
    assert breaker["status"] == "TRIGGERED" and breaker["failureCount"] >= breaker["threshold"], d
    assert d["rollback"]["rollbackTargetDaemonRevisionArn"] == old_rev, d
    advance(server, "5s")
    tasks = [t for t in daemon_tasks(ecs, "d-cb", "agent") if t["lastStatus"] == "RUNNING"]
    assert [t["taskDefinitionArn"] for t in tasks] == [td] * 2
    assert len(active_instances(ecs, "d-cb")) == 2
    assert [t["lastStatus"] for t in service_tasks(ecs, "d-cb")] == ["RUNNING"] * 2


def test_restart_keeps_daemon_deployments_and_revisions(emulators):
    server = emulators()
    ecs = daemon_client(server)
    cp, out, _ = daemon_over_service(ecs, "d-rs", 2, tags=[{"key": "k", "value": "v"}],
                                     deploymentConfiguration={"drainPercent": 100.0})
    update = ecs.update_daemon(daemonArn=out["daemonArn"], capacityProviderArns=[cp],
                               daemonTaskDefinitionArn=daemon_definition(ecs, image="agent:2"))
    wait_until(lambda: deployment(ecs, update["deploymentArn"])["status"] == "SUCCESSFUL",
               what="update deployment SUCCESSFUL")
    settled(ecs, "d-rs", "agent", 2)
    deps = [out["deploymentArn"], update["deploymentArn"]]

    def state(client):
        described = client.describe_daemon_deployments(daemonDeploymentArns=deps)
        revs = [d["targetDaemonRevision"]["arn"] for d in described["daemonDeployments"]]
        return {"daemon": client.describe_daemon(daemonArn=out["daemonArn"])["daemon"],
                "deployments": described["daemonDeployments"],
                "revisions": client.describe_daemon_revisions(daemonRevisionArns=revs)[
                    "daemonRevisions"],
                "listed": client.list_daemon_deployments(daemonArn=out["daemonArn"])[
                    "daemonDeployments"],
                "daemons": client.list_daemons()["daemonSummariesList"],
                "tags": client.list_tags_for_resource(resourceArn=out["daemonArn"])["tags"],
                "tasks": sorted(client.list_tasks(cluster="d-rs", daemonName="agent")["taskArns"])}
    before = state(ecs)
    assert len(before["revisions"]) == 2 and len(before["tasks"]) == 2
    server.restart()
    assert state(new_model_client(server)) == before


def test_batch_size_is_at_least_one_instance(server, ecs):
    """drainPercent 0 still drains ceil(0 %) -> at least one instance per batch."""
    config = {"drainPercent": 0.0, "bakeTimeInMinutes": 1}
    cp, out, _ = daemon_over_service(ecs, "d-zero", 2, deploymentConfiguration=config)
    arn = frozen_update(server, ecs, cp, out, config)[0]["deploymentArn"]
    advance(server, "1s")
    d = deployment(ecs, arn)
    assert d["status"] == "IN_PROGRESS", d
    assert d["targetDaemonRevision"]["totalRunningInstanceCount"] == 1, d
    assert [s["totalRunningInstanceCount"] for s in d["sourceDaemonRevisions"]] == [1], d
    assert d["deploymentConfiguration"]["drainPercent"] == 0.0


@pytest.mark.parametrize("stop, at", [("restart", "1s"), ("kill9", "2ms")])
def test_restart_mid_rollout_finishes_it(emulators, stop, at):
    """Stopped while the first batch bakes (SIGTERM) or while it drains (kill -9): the rollout
    goes on from its stored state and ends with one daemon task of the target per instance."""
    server = emulators()
    ecs = daemon_client(server)
    config = {"drainPercent": 50.0, "bakeTimeInMinutes": 1}
    cp, out, _ = daemon_over_service(ecs, "d-mid", 2, deploymentConfiguration=config)
    update, td2 = frozen_update(server, ecs, cp, out, config)
    arn = update["deploymentArn"]
    advance(server, at)
    before = deployment(ecs, arn)
    assert before["status"] == "IN_PROGRESS", before
    if stop == "restart":
        assert before["targetDaemonRevision"]["totalRunningInstanceCount"] == 1, before
        server.restart()
    else:
        assert before["sourceDaemonRevisions"][0]["totalDrainingInstanceCount"] == 1, before
        server.kill9()
        server.start()
    ecs = new_model_client(server)
    clock(server, "freeze")
    assert deployment(ecs, arn)["targetDaemonRevision"] == before["targetDaemonRevision"]
    # The clock restarts from real time, behind the frozen one: the bake still has a minute.
    d, _ = advance_until(server, ecs, arn, {"SUCCESSFUL", "STOPPED", "ROLLBACK_SUCCESSFUL"},
                         limit=400)
    assert d["status"] == "SUCCESSFUL", d
    advance(server, "5s")
    tasks = [t for t in daemon_tasks(ecs, "d-mid", "agent") if t["lastStatus"] == "RUNNING"]
    assert [t["taskDefinitionArn"] for t in tasks] == [td2] * 2
    assert len(active_instances(ecs, "d-mid")) == 2
    assert [t["lastStatus"] for t in service_tasks(ecs, "d-mid")] == ["RUNNING"] * 2
