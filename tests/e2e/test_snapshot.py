"""GET / POST /_emulator/snapshot (issue 15): the whole state, clock included, as one JSON
document; restored into a fresh process, a deployment goes on exactly where it was."""
import json

from conftest import cluster_arn


def post(server, path, body):
    status, _, raw = server.http("POST", path, body=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    return status, json.loads(raw) if raw else None


def snapshot(server):
    status, headers, raw = server.http("GET", "/_emulator/snapshot")
    assert status == 200 and headers["content-type"] == "application/json"
    return json.loads(raw)


# A deployment that is caught mid-way needs its steps to take time: the delays these tests were
# written against, given explicitly (the default timing is instant).
DELAYS = ["--task-provisioning-ms", "100", "--task-pending-ms", "200", "--task-stopping-ms", "100",
          "--task-deprovisioning-ms", "100"]


def advance(server, by):
    status, out = post(server, "/_emulator/clock", {"action": "advance", "by": by})
    assert status == 200, out


def deployments(ecs):
    svc = ecs.describe_services(cluster="snap", services=["web"])["services"][0]
    return [(d["id"], d["status"], d["taskDefinition"], d["desiredCount"], d["runningCount"],
             d["pendingCount"], d.get("rolloutState")) for d in svc["deployments"]]


def live_tasks(ecs):
    arns = ecs.list_tasks(cluster="snap")["taskArns"]
    if not arns:
        return []
    tasks = ecs.describe_tasks(cluster="snap", tasks=arns)["tasks"]
    return sorted((t["taskArn"], t["lastStatus"], t["taskDefinitionArn"]) for t in tasks)


def start_deployment(server):
    """A service of 4 tasks on 3 instances, stable on v1, then mid-way to v2."""
    ecs = server.client()
    post(server, "/_emulator/clock", {"action": "freeze"})
    status, out = post(server, "/_emulator/fleets",
                       {"cluster": "snap", "count": 3, "createCluster": True})
    assert status == 200, out
    for cpu in (128, 64):
        ecs.register_task_definition(family="web", containerDefinitions=[
            {"name": "c", "image": "nginx", "cpu": cpu, "memory": 128}])
    ecs.create_service(cluster="snap", serviceName="web", taskDefinition="web:1", desiredCount=4,
                       deploymentConfiguration={"minimumHealthyPercent": 50,
                                                "maximumPercent": 100})
    for _ in range(40):
        advance(server, "5s")
        d = deployments(ecs)
        if len(d) == 1 and d[0][4] == 4:
            break
    assert deployments(ecs)[0][6] == "COMPLETED"
    ecs.update_service(cluster="snap", service="web", taskDefinition="web:2")
    # The scheduler acts on the update at once (the server settles after each request): two old
    # tasks stop at +0 (STOPPED at +100 ms), two new ones start then (RUNNING at +300 ms). At
    # +150 ms the rollout is mid-way. (It used to advance 1 s and count on the scheduler's tick
    # not having run yet.)
    advance(server, "150ms")
    d = deployments(ecs)
    assert len(d) == 2 and d[0][6] == "IN_PROGRESS", d
    return ecs


def test_snapshot_mid_deployment_continues_in_a_fresh_process(emulators):
    a = emulators(ephemeral=True, extra_args=DELAYS)
    ecs_a = start_deployment(a)
    snap = snapshot(a)
    assert snap["snapshot"] == "ecs-emulator" and snap["clock"]["frozen"] is True
    before = (deployments(ecs_a), live_tasks(ecs_a))

    b = emulators(ephemeral=True, extra_args=DELAYS)
    status, out = post(b, "/_emulator/snapshot", snap)
    assert status == 200 and out["restored"] is True, out
    assert out["clock"] == snap["clock"]
    ecs_b = b.client()
    assert (deployments(ecs_b), live_tasks(ecs_b)) == before
    # Both go on identically from here: the same steps give the same counts, and the rollout
    # keeps within maximumPercent (4 tasks) until it completes on web:2.
    for _ in range(60):
        advance(a, "5s")
        advance(b, "5s")
        da, db = deployments(ecs_a), deployments(ecs_b)
        assert da == db
        assert len([t for t in live_tasks(ecs_b) if t[1] != "STOPPED"]) <= 4
        if len(db) == 1 and db[0][4] == 4:
            break
    d = deployments(ecs_b)
    assert len(d) == 1 and d[0][2].endswith("task-definition/web:2") and d[0][6] == "COMPLETED", d


def test_restored_state_is_durable(emulators):
    a = emulators(ephemeral=True, extra_args=DELAYS)
    a.client().create_cluster(clusterName="kept")
    snap = snapshot(a)
    b = emulators(extra_args=DELAYS)
    b.client().create_cluster(clusterName="replaced")
    assert post(b, "/_emulator/snapshot", snap)[0] == 200
    b.restart()
    assert b.client().list_clusters()["clusterArns"] == [cluster_arn("kept")]


def test_a_bad_snapshot_changes_nothing(server):
    ecs = server.client()
    ecs.create_cluster(clusterName="stay")
    status, err = post(server, "/_emulator/snapshot", {"hello": 1})
    assert status == 400 and "snapshot" in err["message"]
    snap = snapshot(server)
    snap["rows"][0]["body"] = "{not json"
    status, err = post(server, "/_emulator/snapshot", snap)
    assert status == 400 and err["__type"] == "InvalidParameterException", err
    # A scoped restore refuses rows of another tenant.
    status, err = post(server, "/_emulator/snapshot?region=eu-west-1", snapshot(server))
    assert status == 400 and "outside" in err["message"]
    assert ecs.list_clusters()["clusterArns"] == [cluster_arn("stay")]
