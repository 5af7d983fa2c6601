"""`=~` / `!~` in the cluster query language (issue #14 item 2, issue #11 "Query language"):
Java-style regexes users write without quotes (classes, alternation, groups), whole-string
matches, and a hostile pattern answered at once instead of freezing the server."""
import time

import pytest
from botocore.exceptions import ClientError

from conftest import error_code
from taskhelpers import fleet, simple_definition

CI = "container-instance"


@pytest.fixture
def racks(server, ecs):
    """Four instances with rack r1..r4, tiers gold/silver/bronze/gold, and a 40-char value."""
    ecs.create_cluster(clusterName="c")
    arns = fleet(server, cluster="c", count=4)
    attributes = []
    for i, (arn, tier) in enumerate(zip(arns, ["gold", "silver", "bronze", "gold"]), 1):
        attributes += [{"name": "rack", "value": f"r{i}", "targetId": arn},
                       {"name": "tier", "value": tier, "targetId": arn},
                       {"name": "long", "value": "a" * 40, "targetId": arn}]
    for i in range(0, len(attributes), 10):
        ecs.put_attributes(cluster="c", attributes=attributes[i:i + 10])
    return arns


def matching(ecs, expression):
    out = ecs.list_container_instances(cluster="c", filter=expression)
    return sorted(out["containerInstanceArns"])


@pytest.mark.parametrize("expression,indexes", [
    ("attribute:rack =~ r[12]", [0, 1]),
    ("attribute:rack =~ r[^12]", [2, 3]),
    ("attribute:tier =~ (gold|bronze)", [0, 2, 3]),
    ("(attribute:tier =~ (gold|bronze))", [0, 2, 3]),
    ("attribute:tier =~ (gold|bronze) and attribute:rack =~ r[12]", [0]),
    ("attribute:tier !~ (gold|bronze)", [1]),
    ("attribute:tier =~ '(gold|bronze)'", [0, 2, 3]),
    ("attribute:rack =~ r\\d", [0, 1, 2, 3]),
    ("attribute:tier =~ gol", []),           # whole-string match, not find
    ("attribute:tier =~ (old|ilver)", []),    # alternation is anchored as a whole
    ("attribute:tier =~ .*old", [0, 3]),
])
def test_java_style_regexes_match_whole_values(ecs, racks, expression, indexes):
    assert matching(ecs, expression) == sorted(racks[i] for i in indexes)


def test_a_catastrophic_pattern_answers_at_once(server, ecs, racks):
    """(a|aa)*b against 40 a's took a backtracking engine 18 s with every request waiting."""
    start = time.monotonic()
    assert matching(ecs, "attribute:long =~ (a|aa)*b") == []
    assert matching(ecs, "attribute:long !~ (a|aa)*b") == sorted(racks)
    assert matching(ecs, "attribute:long =~ (a|aa)*") == sorted(racks)
    assert time.monotonic() - start < 2.0


def test_as_a_memberof_constraint(server, ecs, racks):
    simple_definition(ecs, family="web")
    out = ecs.run_task(cluster="c", taskDefinition="web", count=4, placementConstraints=[
        {"type": "memberOf", "expression": "attribute:rack =~ r[12] and attribute:long !~ (a|aa)*b"}])
    assert out["failures"] == []
    assert {t["containerInstanceArn"] for t in out["tasks"]} <= set(racks[:2])


@pytest.mark.parametrize("pattern,reason", [
    ("(a)\\1", "invalid escape sequence"),          # backreference
    ("(?=a)a", "invalid perl operator"),             # lookahead
    ("a(", "missing )"),
    ("(a{1000}){1000}", "invalid repetition size"),
])
def test_patterns_re2_cannot_run_are_refused_with_the_reason(ecs, racks, pattern, reason):
    with pytest.raises(ClientError) as e:
        ecs.list_container_instances(cluster="c", filter=f"attribute:rack =~ '{pattern}'")
    assert error_code(e) == "InvalidParameterException"
    message = e.value.response["Error"]["Message"]
    assert "expected a valid regular expression" in message and reason in message, message
