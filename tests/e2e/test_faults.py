"""Faults through POST /_emulator/faults and what the service scheduler does about them,
observed through DescribeServices, DescribeTasks and the service events: AZ-balanced
replacement after a lost instance or a lost AZ, a task that exits with a code, a revision whose
image cannot be pulled (circuit breaker), a drained instance."""
import pytest

from svchelpers import (AZS, admin, az_counts, definition, describe, fault, fleet, instance_azs,
                        service_tasks, wait_rolled_back, wait_stable, wait_until)


@pytest.fixture
def six(ecs, server):
    """A 6-task service on 6 instances over 3 AZs, stable."""
    ecs.create_cluster(clusterName="f")
    fleet(server, cluster="f", count=6)
    definition(ecs, "app")
    ecs.create_service(cluster="f", serviceName="app", taskDefinition="app", desiredCount=6)
    wait_stable(ecs, "f", "app")
    tasks = service_tasks(ecs, "f", "app")
    assert az_counts(tasks) == {az: 2 for az in AZS}
    assert len({t["containerInstanceArn"] for t in tasks}) == 6
    return tasks


def settled(ecs, count=6, avoid=None):
    """Stable with `count` RUNNING tasks, nothing stopping, and none on instance `avoid`."""
    def check():
        svc = describe(ecs, "f", "app")
        tasks = service_tasks(ecs, "f", "app")
        ok = (len(svc["deployments"]) == 1 and svc["runningCount"] == count
              and svc["pendingCount"] == 0 and len(tasks) == count
              and all(t["lastStatus"] == "RUNNING" for t in tasks)
              and all(t["containerInstanceArn"] != avoid for t in tasks))
        return tasks if ok else None
    return wait_until(check, timeout=10, what="service settled")


def test_lose_instance_replacement_stays_az_balanced(ecs, server, six):
    victim = six[0]
    az = victim["availabilityZone"]
    out = fault(server, type="lose-instance", cluster="f",
                containerInstance=victim["containerInstanceArn"])
    assert out == {"type": "lose-instance", "affected": 1}
    tasks = settled(ecs)
    assert az_counts(tasks) == {a: 2 for a in AZS}
    # The replacement went to the surviving instance of the same AZ.
    assert victim["containerInstanceArn"] not in {t["containerInstanceArn"] for t in tasks}
    lost = ecs.describe_tasks(cluster="f", tasks=[victim["taskArn"]])["tasks"][0]
    assert lost["lastStatus"] == "STOPPED"
    assert lost["stopCode"] == "TerminationNotice"
    assert lost["stoppedReason"].startswith("Host EC2 (instance ")
    replacement = [t for t in tasks if t["taskArn"] not in {x["taskArn"] for x in six}]
    assert len(replacement) == 1 and replacement[0]["availabilityZone"] == az
    messages = [e["message"] for e in describe(ecs, "f", "app")["events"]]
    assert messages[0] == "(service app) has reached a steady state."
    assert messages[1] == (f"(service app) has started 1 tasks: (task "
                           f"{replacement[0]['taskArn'].split('/')[-1]}).")
    ci = ecs.describe_container_instances(cluster="f", containerInstances=[
        victim["containerInstanceArn"]])["containerInstances"][0]
    assert ci["status"] == "INACTIVE" and ci["agentConnected"] is False


def test_lose_zone_rebalances_three_three(ecs, server, six):
    out = fault(server, type="lose-zone", availabilityZone="us-east-1c")
    assert out == {"type": "lose-zone", "affected": 2}
    tasks = settled(ecs)
    assert az_counts(tasks) == {"us-east-1a": 3, "us-east-1b": 3}
    # Both surviving AZs' instances took one each (spread by instance within the AZ).
    per_instance = {}
    for t in tasks:
        per_instance[t["containerInstanceArn"]] = per_instance.get(t["containerInstanceArn"], 0) + 1
    assert sorted(per_instance.values()) == [1, 1, 2, 2]
    status, body = admin(server, "faults", {"type": "lose-zone"})
    assert status == 400 and "availabilityZone" in body.get("message", body.get("Message", ""))


def test_failed_task_with_exit_code_is_replaced(ecs, server, six):
    victim = six[3]["taskArn"]
    fault(server, type="fail-task", cluster="f", task=victim, exitCode=137,
          reason="OutOfMemoryError: Container killed due to memory usage")
    tasks = settled(ecs)
    assert victim not in {t["taskArn"] for t in tasks}
    assert az_counts(tasks) == {a: 2 for a in AZS}
    dead = ecs.describe_tasks(cluster="f", tasks=[victim])["tasks"][0]
    assert dead["lastStatus"] == "STOPPED"
    assert dead["stopCode"] == "EssentialContainerExited"
    assert dead["stoppedReason"] == "Essential container in task exited"
    assert dead["containers"][0]["exitCode"] == 137
    assert dead["containers"][0]["reason"].startswith("OutOfMemoryError")
    messages = [e["message"] for e in describe(ecs, "f", "app")["events"]]
    assert messages[0] == "(service app) has reached a steady state."
    assert messages[1].startswith("(service app) has started 1 tasks: (task ")
    # Events are newest first, with distinct ids and non-increasing times.
    events = describe(ecs, "f", "app")["events"]
    assert len({e["id"] for e in events}) == len(events)
    assert all(a["createdAt"] >= b["createdAt"] for a, b in zip(events, events[1:]))


def test_circuit_breaker_rolls_back_a_revision_that_cannot_start(ecs, server):
    ecs.create_cluster(clusterName="cb")
    fleet(server, cluster="cb", count=3)
    good = definition(ecs, "cb")
    ecs.create_service(cluster="cb", serviceName="app", taskDefinition="cb", desiredCount=2,
                       deploymentConfiguration={
                           "deploymentCircuitBreaker": {"enable": True, "rollback": True}})
    good_id = wait_stable(ecs, "cb", "app")["deployments"][0]["id"]
    bad = definition(ecs, "cb", image="example.invalid/missing:latest")
    fault(server, type="fail-task-definition", taskDefinition=bad)
    failed_id = ecs.update_service(cluster="cb", service="app", taskDefinition=bad)["service"][
        "deployments"][0]["id"]

    svc = wait_rolled_back(ecs, "cb", "app", good_id, running=2, timeout=15)
    assert svc["taskDefinition"] == good
    assert svc["deployments"][0]["rolloutState"] == "COMPLETED"
    messages = [e["message"] for e in svc["events"]]
    assert f"(service app) (deployment {failed_id}) deployment failed: tasks failed to start." \
        in messages
    assert f"(service app) rolling back to deployment {good_id}." in messages
    failed_tasks = [t for t in service_tasks(ecs, "cb", "app", desired="STOPPED")
                    if t["taskDefinitionArn"] == bad]
    assert len(failed_tasks) >= 3
    assert all(t["stopCode"] == "TaskFailedToStart" for t in failed_tasks)
    assert failed_tasks[0]["stoppedReason"].startswith("CannotPullContainerError")


def test_drained_instance_tasks_move_within_bounds(ecs, server, six):
    by_az = instance_azs(ecs, "f")
    victim = six[0]["containerInstanceArn"]
    ecs.update_container_instances_state(cluster="f", containerInstances=[victim],
                                         status="DRAINING")
    # UpdateContainerInstancesState answers before the scheduler acts, so the service is still
    # "settled" on the victim at first: wait for the move itself.
    tasks = settled(ecs, avoid=victim)
    assert victim not in {t["containerInstanceArn"] for t in tasks}
    assert az_counts(tasks) == {a: 2 for a in AZS}
    moved = ecs.describe_tasks(cluster="f", tasks=[six[0]["taskArn"]])["tasks"][0]
    assert moved["stopCode"] == "ServiceSchedulerInitiated"
    assert moved["stoppedReason"].startswith("Scaling activity initiated by (deployment ecs-svc/")
    assert by_az[victim] == six[0]["availabilityZone"]
