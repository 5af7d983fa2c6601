"""Where tasks land: strategies (spread by AZ / instanceId, binpack memory, random), memberOf
constraints in the cluster query language, distinctInstance, with boto3 and the AWS CLI."""
import collections
import json

import pytest
from botocore.exceptions import ClientError

from conftest import AwsCliError, error_code, error_message
from taskhelpers import AZS, az_of, fleet, register_agents, simple_definition


@pytest.fixture
def three_azs(ecs):
    """Six agent-registered instances, two per AZ, in cluster `default`."""
    arns = register_agents(ecs, per_az=2, cpu=4096, memory=8192)
    return arns, az_of(ecs, "default", arns)


def test_spread_over_azs_then_instances(ecs, three_azs):
    arns, zone = three_azs
    td = simple_definition(ecs, memory=128)
    out = ecs.run_task(taskDefinition=td, count=6, placementStrategy=[
        {"type": "spread", "field": "attribute:ecs.availability-zone"},
        {"type": "spread", "field": "instanceId"}])
    assert out["failures"] == []
    per_az = collections.Counter(zone[t["containerInstanceArn"]] for t in out["tasks"])
    assert per_az == {az: 2 for az in AZS}
    assert len({t["containerInstanceArn"] for t in out["tasks"]}) == 6
    assert {t["availabilityZone"] for t in out["tasks"]} == set(AZS)
    # Three more keep the AZs balanced (3 each).
    more = ecs.run_task(taskDefinition=td, count=3, placementStrategy=[
        {"type": "spread", "field": "attribute:ecs.availability-zone"}])
    per_az.update(zone[t["containerInstanceArn"]] for t in more["tasks"])
    assert per_az == {az: 3 for az in AZS}


def test_spread_instance_id_and_host_alias(ecs, three_azs):
    arns, _ = three_azs
    td = simple_definition(ecs, memory=128)
    out = ecs.run_task(taskDefinition=td, count=6, placementStrategy=[{"type": "spread", "field": "host"}])
    assert sorted(t["containerInstanceArn"] for t in out["tasks"]) == sorted(arns)
    out = ecs.run_task(taskDefinition=td, count=10, placementStrategy=[{"type": "spread", "field": "instanceId"}])
    counts = collections.Counter(t["containerInstanceArn"] for t in out["tasks"])
    assert sorted(counts.values()) == [1, 1, 2, 2, 2, 2]  # 2 per instance in total, everywhere


def test_binpack_memory_fills_one_instance_first(ecs, three_azs):
    td = simple_definition(ecs, cpu=10, memory=1000)
    out = ecs.run_task(taskDefinition=td, count=8, placementStrategy=[{"type": "binpack", "field": "memory"}])
    counts = collections.Counter(t["containerInstanceArn"] for t in out["tasks"])
    assert sorted(counts.values()) == [8]  # 8 x 1000 MiB fit in 8192
    nxt = ecs.run_task(taskDefinition=td, count=2, placementStrategy=[{"type": "binpack", "field": "memory"}])
    # The full instance has 192 MiB left: the next tasks all start a second instance.
    second = {t["containerInstanceArn"] for t in nxt["tasks"]}
    assert len(second) == 1 and second.isdisjoint(counts)


def test_binpack_prefers_the_least_remaining_that_fits(ecs):
    # One roomy and one nearly full instance: binpack picks the nearly full one.
    register_agents(ecs, per_az=1, cpu=4096, memory=4096)
    td_big = simple_definition(ecs, family="big", memory=3500)
    first = ecs.run_task(taskDefinition=td_big, count=1)["tasks"][0]["containerInstanceArn"]
    td = simple_definition(ecs, family="small", memory=500)
    out = ecs.run_task(taskDefinition=td, count=1, placementStrategy=[{"type": "binpack", "field": "memory"}])
    assert out["tasks"][0]["containerInstanceArn"] == first


def test_spread_az_then_binpack_within_each_az(ecs, three_azs):
    arns, zone = three_azs
    td = simple_definition(ecs, memory=512)
    out = ecs.run_task(taskDefinition=td, count=6, placementStrategy=[
        {"type": "spread", "field": "attribute:ecs.availability-zone"},
        {"type": "binpack", "field": "memory"}])
    by_az = collections.defaultdict(set)
    for t in out["tasks"]:
        by_az[zone[t["containerInstanceArn"]]].add(t["containerInstanceArn"])
    assert {az: len(s) for az, s in by_az.items()} == {az: 1 for az in AZS}


def test_member_of_constraints(ecs, aws, three_azs):
    arns, zone = three_azs
    td = simple_definition(ecs, memory=64)
    out = ecs.run_task(taskDefinition=td, count=5, placementConstraints=[
        {"type": "memberOf", "expression": "attribute:ecs.availability-zone == us-east-1b"}])
    assert {zone[t["containerInstanceArn"]] for t in out["tasks"]} == {"us-east-1b"}

    ec2_ids = {ci["containerInstanceArn"]: ci["ec2InstanceId"] for ci in
               ecs.describe_container_instances(containerInstances=arns)["containerInstances"]}
    target = arns[3]
    constraint = {"type": "memberOf", "expression": f"ec2InstanceId in ['{ec2_ids[target]}', 'i-nothere']"}
    out = aws("run-task", "--task-definition", td, "--count", "3", "--placement-constraints",
              json.dumps([constraint]))
    assert {t["containerInstanceArn"] for t in out["tasks"]} == {target}

    expr = ("attribute:ecs.instance-type =~ m5.* and "
            "(attribute:ecs.availability-zone == us-east-1a or attribute:ecs.availability-zone == us-east-1c) "
            "and not(task:group == family:web)")
    # The b-zone tasks and the three on `target` are family:web; exclude their instances.
    out = ecs.run_task(taskDefinition=td, count=4, placementConstraints=[{"type": "memberOf", "expression": expr}])
    placed = {t["containerInstanceArn"] for t in out["tasks"]}
    assert placed and all(zone[a] in ("us-east-1a", "us-east-1c") and a != target for a in placed)
    # runningTasksCount and agentConnected.
    out = ecs.run_task(taskDefinition=td, count=1, placementConstraints=[
        {"type": "memberOf", "expression": "runningTasksCount == 0 and agentConnected == true"}])
    assert out["tasks"] == [] or out["tasks"][0]["containerInstanceArn"] not in placed

    unsatisfied = ecs.run_task(taskDefinition=td, placementConstraints=[
        {"type": "memberOf", "expression": "attribute:ecs.availability-zone == us-west-2a"}])
    assert unsatisfied["tasks"] == []
    assert unsatisfied["failures"][0]["reason"] == "MemberOf placement constraint unsatisfied."


def test_member_of_parse_errors_name_the_position(ecs, aws, three_azs):
    td = simple_definition(ecs)
    with pytest.raises(ClientError) as e:
        ecs.run_task(taskDefinition=td, placementConstraints=[
            {"type": "memberOf", "expression": "attribute:ecs.instance-type == t2.micro and"}])
    assert error_code(e) == "InvalidParameterException"
    assert "position" in error_message(e)
    with pytest.raises(AwsCliError) as e:
        aws("run-task", "--task-definition", td, "--placement-constraints",
            "type=memberOf,expression=(attribute:a == b")
    assert e.value.code == "InvalidParameterException"
    assert "position" in e.value.stderr
    with pytest.raises(ClientError) as e:
        ecs.run_task(taskDefinition=td, placementConstraints=[{"type": "distinctInstance", "expression": "x == y"}])
    assert error_code(e) == "InvalidParameterException"
    with pytest.raises(ClientError) as e:
        ecs.run_task(taskDefinition=td, placementStrategy=[{"type": "binpack", "field": "disk"}])
    assert error_code(e) == "InvalidParameterException"


def test_distinct_instance(ecs, three_azs):
    arns, _ = three_azs
    td = simple_definition(ecs, memory=64)
    out = ecs.run_task(taskDefinition=td, count=8, group="one-each",
                       placementConstraints=[{"type": "distinctInstance"}])
    assert sorted(t["containerInstanceArn"] for t in out["tasks"]) == sorted(arns)
    assert len(out["failures"]) == 2
    assert {f["reason"] for f in out["failures"]} == {"DistinctInstance placement constraint unsatisfied."}
    # Another group is free to use the same instances.
    other = ecs.run_task(taskDefinition=td, count=6, group="other",
                         placementConstraints=[{"type": "distinctInstance"}])
    assert len(other["tasks"]) == 6


def test_no_strategy_places_randomly(server, ecs):
    fleet(server, count=6)
    td = simple_definition(ecs, memory=64)
    used = collections.Counter()
    for _ in range(5):
        for t in ecs.run_task(taskDefinition=td, count=10)["tasks"]:
            used[t["containerInstanceArn"]] += 1
    assert sum(used.values()) == 50
    assert len(used) >= 4  # random over six instances, not packed and not round-robin-stuck


def test_random_strategy_and_cli_strategies(aws, ecs, three_azs):
    arns, zone = three_azs
    td = simple_definition(ecs, memory=64)
    out = aws("run-task", "--task-definition", td, "--count", "6", "--placement-strategy",
              "type=spread,field=attribute:ecs.availability-zone", "type=binpack,field=memory")
    assert collections.Counter(zone[t["containerInstanceArn"]] for t in out["tasks"]) == {az: 2 for az in AZS}
    out = aws("run-task", "--task-definition", td, "--count", "3", "--placement-strategy", "type=random")
    assert len(out["tasks"]) == 3


def test_required_attributes_and_custom_attributes(server, ecs):
    arns = fleet(server, count=3)
    ecs.put_attributes(attributes=[{"name": "gpu", "value": "yes", "targetId": arns[2]}])
    td = simple_definition(ecs, memory=64)
    out = ecs.run_task(taskDefinition=td, count=4, placementConstraints=[
        {"type": "memberOf", "expression": "attribute:gpu exists"}])
    assert {t["containerInstanceArn"] for t in out["tasks"]} == {arns[2]}
    # A definition needing a capability no instance has: ATTRIBUTE.
    ecs.register_task_definition(family="splunk", containerDefinitions=[
        {"name": "a", "image": "x", "memory": 64, "logConfiguration": {"logDriver": "splunk"}}])
    out = ecs.run_task(taskDefinition="splunk")
    assert out["failures"][0]["reason"] == "ATTRIBUTE"
