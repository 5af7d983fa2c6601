"""Placement traces (issue 15): GET /_emulator/placement lists the recent decisions and
GET /_emulator/placement/<id | task | service | group> says why each instance was rejected
(the filter and the numbers), how the strategies narrowed the rest, and what was chosen. Driven
with boto3 and the AWS CLI; service events for unplaced tasks link to the trace. By default
only failed placements are traced; --trace-all-placements traces the successful ones too."""
import json

from conftest import AwsCli
from svchelpers import definition, describe, fleet, wait_until
from taskhelpers import admin, register_agents, simple_definition


def trace(server, key, **query):
    path = f"/_emulator/placement/{key}"
    if query:
        path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    status, _, raw = server.http("GET", path)
    return status, json.loads(raw)


def test_a_run_task_without_memory_shows_the_memory_reason_per_instance(server, ecs):
    arns = register_agents(ecs, per_az=1, cpu=2048, memory=1024)
    ecs.update_container_instances_state(containerInstances=[arns[2]], status="DRAINING")
    td = simple_definition(ecs, family="big", memory=2048)
    out = ecs.run_task(taskDefinition=td, count=1)
    assert out["tasks"] == []
    assert [f["reason"] for f in out["failures"]] == ["RESOURCE:MEMORY"]

    status, recent = admin(server, "GET", "placement")
    assert status == 200, recent
    newest = recent["placements"][0]
    assert (newest["operation"], newest["group"], newest["placed"], newest["failed"]) == \
        ("RunTask", "family:big", 0, 1)

    status, t = trace(server, newest["id"])
    assert status == 200, t
    assert newest["link"] == f"/_emulator/placement/{newest['id']}"
    by_arn = {i["containerInstanceArn"]: i for i in t["instances"]}
    assert set(by_arn) == set(arns)
    for arn in arns[:2]:
        assert by_arn[arn]["result"] == "rejected"
        assert by_arn[arn]["filter"] == "RESOURCE:MEMORY"
        assert by_arn[arn]["detail"] == "needs 2048 MiB of memory, 1024 remaining"
    assert by_arn[arns[2]]["filter"] == "STATUS"
    assert "DRAINING" in by_arn[arns[2]]["detail"]
    [task] = t["tasks"]
    assert task["placed"] is False and task["reason"] == "RESOURCE:MEMORY"
    assert task["closestContainerInstanceArn"] == out["failures"][0]["arn"]
    # The task group names the same (newest) decision.
    assert trace(server, "family:big")[1]["id"] == newest["id"]


def test_a_successful_placement_is_not_traced_by_default(server, ecs):
    register_agents(ecs, per_az=1)
    out = ecs.run_task(taskDefinition=simple_definition(ecs), count=2)
    assert len(out["tasks"]) == 2
    status, recent = admin(server, "GET", "placement")
    assert status == 200 and recent["placements"] == []
    status, body = trace(server, out["tasks"][0]["taskArn"])
    assert status == 404, body


def test_constraints_show_in_the_trace(emulators):
    server = emulators(ephemeral=True, extra_args=["--trace-all-placements"])
    ecs = server.client()
    aws = AwsCli(server)
    arns = register_agents(ecs, per_az=1, cpu=2048, memory=4096)
    td = simple_definition(ecs, family="web", memory=256)
    distinct = [{"type": "distinctInstance"}]
    placed = ecs.run_task(taskDefinition=td, count=3, placementConstraints=distinct,
                          placementStrategy=[{"type": "binpack", "field": "memory"}])
    assert placed["failures"] == []
    # Looked up by one of its tasks: every task of the decision, with the strategy steps.
    task_arn = placed["tasks"][1]["taskArn"]
    status, t = trace(server, task_arn)
    assert status == 200, t
    assert t["constraints"] == ["distinctInstance"]
    assert t["strategies"] == ["binpack(memory)"]
    assert t["tieBreak"].startswith("seeded random: among the candidates still tied")
    assert [x["taskArn"] for x in t["tasks"]] == [x["taskArn"] for x in placed["tasks"]]
    first = t["tasks"][0]
    assert first["candidates"] == 3
    assert first["strategySteps"] == [{"strategy": "binpack(memory)", "bestKey": 4096,
                                       "candidatesLeft": 3}]
    assert first["tiedForTieBreak"] == 3
    assert t["tasks"][1]["candidates"] == 2  # distinctInstance took the first one out
    assert all(i["strategyKeys"] == {"binpack(memory)": 4096} for i in t["instances"])

    # A fourth distinct task has nowhere to go: every instance names the constraint.
    more = ecs.run_task(taskDefinition=td, count=1, placementConstraints=distinct)
    assert more["failures"][0]["reason"] == "DistinctInstance placement constraint unsatisfied."
    status, t = trace(server, "family:web")
    assert {i["filter"] for i in t["instances"]} == {"distinctInstance"}
    assert {i["detail"] for i in t["instances"]} == {"already runs 1 task(s) of group 'family:web'"}

    # memberOf through the AWS CLI: only the us-east-1b instance matches.
    other = simple_definition(ecs, family="zoned", memory=256)
    constraint = {"type": "memberOf", "expression": "attribute:ecs.availability-zone == us-east-1b"}
    out = aws("run-task", "--task-definition", other, "--placement-constraints",
              json.dumps([constraint]))
    [placed_b] = out["tasks"]
    status, t = trace(server, placed_b["taskArn"].rsplit("/", 1)[1])
    assert status == 200, t
    assert t["constraints"][0].startswith("memberOf(")
    # No strategy: RunTask's random draws instances rather than ranking them.
    assert t["strategies"] == []
    assert t["tieBreak"].startswith("random: instances of the cluster drawn")
    rejected = [i for i in t["instances"] if i["result"] == "rejected"]
    assert len(rejected) == 2
    assert {i["filter"] for i in rejected} == {"memberOf"}
    assert all(i["detail"].startswith("does not match ") for i in rejected)
    assert t["tasks"][0]["containerInstanceArn"] == placed_b["containerInstanceArn"]
    assert placed_b["containerInstanceArn"] not in {i["containerInstanceArn"] for i in rejected}
    assert len(arns) == 3


def test_a_service_event_links_to_the_trace_of_the_unplaced_task(server, ecs):
    fleet(server, cluster="svc", count=1, cpu=1024, memory=1024)
    td = definition(ecs, family="wide", cpu=128, memory=700)
    ecs.create_service(cluster="svc", serviceName="wide", taskDefinition=td, desiredCount=2)

    def failure_event():
        for e in describe(ecs, "svc", "wide")["events"]:
            if "was unable to place a task" in e["message"]:
                return e["message"]
        return None

    message = wait_until(failure_event, what="a placement failure event")
    assert "has insufficient memory available." in message
    link = message[message.index("/_emulator/placement/"):]
    status, _, raw = server.http("GET", link)
    assert status == 200, raw
    t = json.loads(raw)
    assert (t["operation"], t["serviceName"], t["cluster"]) == ("service", "wide", "svc")
    assert [x["placed"] for x in t["tasks"]] == [True, False]
    assert t["tasks"][1]["reason"] == "RESOURCE:MEMORY"
    [instance] = t["instances"]
    assert instance["result"] == "candidate"  # before the first task it still had room
    # The service's name (or ARN) names its newest decision.
    arn = describe(ecs, "svc", "wide")["serviceArn"]
    assert trace(server, "wide")[1]["serviceName"] == "wide"
    assert trace(server, arn)[1]["serviceName"] == "wide"


def test_unknown_traces_are_404_and_reset_forgets_them(server, ecs):
    register_agents(ecs, per_az=1)
    out = ecs.run_task(taskDefinition=simple_definition(ecs, memory=100_000), count=1)
    assert out["failures"][0]["reason"] == "RESOURCE:MEMORY"
    status, recent = admin(server, "GET", "placement")
    assert len(recent["placements"]) == 1
    status, body = trace(server, "no-such-task")
    assert status == 404
    assert "No placement trace for 'no-such-task'" in body["message"]
    # Another account sees none of this account's decisions.
    status, recent = admin(server, "GET", "placement?account=111111111111")
    assert status == 200 and recent["placements"] == []
    server.reset()
    status, recent = admin(server, "GET", "placement")
    assert recent["placements"] == []
    assert recent["kept"] == 100


def test_tracing_can_be_turned_off(emulators):
    emu = emulators(ephemeral=True, extra_args=["--placement-traces", "0"])
    ecs = emu.client()
    register_agents(ecs, per_az=1)
    out = ecs.run_task(taskDefinition=simple_definition(ecs, memory=100_000), count=1)
    assert out["failures"][0]["reason"] == "RESOURCE:MEMORY"
    status, recent = admin(emu, "GET", "placement")
    assert status == 200 and recent == {"kept": 0, "placements": []}
    status, body = trace(emu, "family:web")
    assert status == 404 and "placement traces are off" in body["message"]
