"""TagResource / UntagResource / ListTagsForResource on clusters (boto3 + AWS CLI v2)."""
import json

import pytest
from botocore.exceptions import ClientError

from conftest import cluster_arn, error_code, error_message


def tagdict(tags):
    d = {t["key"]: t.get("value") for t in tags}
    assert len(d) == len(tags), f"duplicate keys in {tags}"
    return d


@pytest.fixture
def arn(ecs):
    return ecs.create_cluster(clusterName="tagged")["cluster"]["clusterArn"]


def test_untagged_cluster_has_empty_tag_list(ecs, arn):
    assert ecs.list_tags_for_resource(resourceArn=arn)["tags"] == []


def test_tags_from_create_are_listed(ecs):
    arn = ecs.create_cluster(clusterName="c", tags=[{"key": "a", "value": "1"}, {"key": "b", "value": ""}])[
        "cluster"]["clusterArn"]
    assert tagdict(ecs.list_tags_for_resource(resourceArn=arn)["tags"]) == {"a": "1", "b": ""}


def test_tag_merge_overwrite_and_untag(ecs, arn):
    assert ecs.tag_resource(resourceArn=arn, tags=[{"key": "env", "value": "dev"},
                                                   {"key": "team", "value": "core"}])["ResponseMetadata"][
        "HTTPStatusCode"] == 200
    ecs.tag_resource(resourceArn=arn, tags=[{"key": "env", "value": "prod"}, {"key": "Env", "value": "upper"}])
    assert tagdict(ecs.list_tags_for_resource(resourceArn=arn)["tags"]) == {
        "env": "prod", "team": "core", "Env": "upper"}
    # unknown keys are ignored
    ecs.untag_resource(resourceArn=arn, tagKeys=["team", "does-not-exist"])
    assert tagdict(ecs.list_tags_for_resource(resourceArn=arn)["tags"]) == {"env": "prod", "Env": "upper"}
    ecs.untag_resource(resourceArn=arn, tagKeys=["env", "Env"])
    assert ecs.list_tags_for_resource(resourceArn=arn)["tags"] == []
    # DescribeClusters include=TAGS agrees
    ecs.tag_resource(resourceArn=arn, tags=[{"key": "k", "value": "v"}])
    c = ecs.describe_clusters(clusters=[arn], include=["TAGS"])["clusters"][0]
    assert c["tags"] == [{"key": "k", "value": "v"}]


def test_allowed_characters_and_edge_lengths(ecs, arn):
    tags = [
        {"key": "k" * 128, "value": "v" * 256},
        {"key": "with space_.:/=+-@", "value": "ok value_.:/=+-@"},
        {"key": "ключ", "value": "значение"},
        {"key": "empty", "value": ""},
    ]
    ecs.tag_resource(resourceArn=arn, tags=tags)
    assert tagdict(ecs.list_tags_for_resource(resourceArn=arn)["tags"]) == tagdict(tags)


def test_exactly_fifty_tags_allowed_fifty_one_rejected(ecs, arn):
    ecs.tag_resource(resourceArn=arn, tags=[{"key": f"k{i}", "value": str(i)} for i in range(50)])
    assert len(ecs.list_tags_for_resource(resourceArn=arn)["tags"]) == 50
    # overwriting an existing key keeps the count at 50: fine
    ecs.tag_resource(resourceArn=arn, tags=[{"key": "k0", "value": "new"}])
    with pytest.raises(ClientError) as ei:
        ecs.tag_resource(resourceArn=arn, tags=[{"key": "k50", "value": "x"}])
    assert error_code(ei) == "InvalidParameterException"
    tags = tagdict(ecs.list_tags_for_resource(resourceArn=arn)["tags"])
    assert len(tags) == 50 and tags["k0"] == "new" and "k50" not in tags


def test_fifty_one_tags_in_one_call_rejected(ecs, arn):
    with pytest.raises(ClientError) as ei:
        ecs.tag_resource(resourceArn=arn, tags=[{"key": f"k{i}", "value": "v"} for i in range(51)])
    assert error_code(ei) == "InvalidParameterException"
    assert ecs.list_tags_for_resource(resourceArn=arn)["tags"] == []


def test_create_cluster_with_too_many_tags_rejected(ecs):
    with pytest.raises(ClientError) as ei:
        ecs.create_cluster(clusterName="many", tags=[{"key": f"k{i}", "value": "v"} for i in range(51)])
    assert error_code(ei) == "InvalidParameterException"
    assert ecs.list_clusters()["clusterArns"] == []


@pytest.mark.parametrize("tag", [
    {"key": "k" * 129, "value": "v"},
    {"key": "k", "value": "v" * 257},
    {"key": "aws:reserved", "value": "v"},
    {"key": "AWS:Reserved", "value": "v"},
    {"key": "Aws:mixed", "value": "v"},
    {"key": "bad#char", "value": "v"},
    {"key": "k", "value": "bad*char"},
])
def test_invalid_tags_rejected_and_nothing_applied(ecs, arn, tag):
    with pytest.raises(ClientError) as ei:
        ecs.tag_resource(resourceArn=arn, tags=[{"key": "good", "value": "g"}, tag])
    assert error_code(ei) == "InvalidParameterException"
    assert ecs.list_tags_for_resource(resourceArn=arn)["tags"] == []


def test_empty_tag_key_rejected_on_the_wire(server, raw, arn):
    # boto3 refuses an empty key client-side; curl users reach the server
    status, _, body = raw("TagResource", {"resourceArn": arn, "tags": [{"key": "", "value": "v"}]})
    assert status == 400 and b"InvalidParameterException" in body, body
    status, _, body = raw("ListTagsForResource", {"resourceArn": arn})
    assert json.loads(body) == {"tags": []}


def test_create_cluster_with_reserved_tag_rejected(ecs):
    with pytest.raises(ClientError) as ei:
        ecs.create_cluster(clusterName="res", tags=[{"key": "aws:x", "value": "y"}])
    assert error_code(ei) == "InvalidParameterException"


def test_unknown_cluster_arn(ecs):
    ghost = cluster_arn("ghost")
    with pytest.raises(ClientError) as ei:
        ecs.tag_resource(resourceArn=ghost, tags=[{"key": "a", "value": "b"}])
    assert error_code(ei) == "ClusterNotFoundException"
    with pytest.raises(ClientError) as ei:
        ecs.untag_resource(resourceArn=ghost, tagKeys=["a"])
    assert error_code(ei) == "ClusterNotFoundException"
    with pytest.raises(ClientError) as ei:
        ecs.list_tags_for_resource(resourceArn=ghost)
    assert error_code(ei) == "ClusterNotFoundException"


@pytest.mark.parametrize("bad", ["not-an-arn", "tagged", "arn:aws:ecs:us-east-1:000000000000"])
def test_malformed_resource_arn(ecs, arn, bad):
    with pytest.raises(ClientError) as ei:
        ecs.tag_resource(resourceArn=bad, tags=[{"key": "a", "value": "b"}])
    assert error_code(ei) == "InvalidParameterException"
    with pytest.raises(ClientError) as ei:
        ecs.list_tags_for_resource(resourceArn=bad)
    assert error_code(ei) == "InvalidParameterException"


def test_unknown_resource_type_in_arn(ecs, arn):
    with pytest.raises(ClientError) as ei:
        ecs.tag_resource(resourceArn="arn:aws:ecs:us-east-1:000000000000:bogus/tagged",
                         tags=[{"key": "a", "value": "b"}])
    assert error_code(ei) in ("InvalidParameterException", "ResourceNotFoundException")


def test_inactive_cluster(ecs, arn):
    ecs.tag_resource(resourceArn=arn, tags=[{"key": "a", "value": "b"}])
    ecs.delete_cluster(cluster=arn)
    with pytest.raises(ClientError) as ei:
        ecs.tag_resource(resourceArn=arn, tags=[{"key": "c", "value": "d"}])
    assert error_code(ei) == "InvalidParameterException"
    assert error_message(ei) == "The specified cluster is inactive. Specify an active cluster and try again."


def test_tags_vanish_with_the_cluster(ecs, arn):
    ecs.tag_resource(resourceArn=arn, tags=[{"key": "a", "value": "b"}])
    ecs.delete_cluster(cluster="tagged")
    ecs.create_cluster(clusterName="tagged")
    assert ecs.list_tags_for_resource(resourceArn=arn)["tags"] == []


def test_tags_are_per_cluster(ecs, arn):
    other = ecs.create_cluster(clusterName="other")["cluster"]["clusterArn"]
    ecs.tag_resource(resourceArn=arn, tags=[{"key": "a", "value": "1"}])
    ecs.tag_resource(resourceArn=other, tags=[{"key": "b", "value": "2"}])
    assert ecs.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "a", "value": "1"}]
    assert ecs.list_tags_for_resource(resourceArn=other)["tags"] == [{"key": "b", "value": "2"}]


def test_cli_tag_and_list(aws, ecs, arn):
    out = aws("tag-resource", "--resource-arn", arn, "--tags", "key=stage,value=beta", "key=owner,value=qa")
    assert out == {}
    listed = aws("list-tags-for-resource", "--resource-arn", arn)
    assert tagdict(listed["tags"]) == {"stage": "beta", "owner": "qa"}
    assert aws("untag-resource", "--resource-arn", arn, "--tag-keys", "stage") == {}
    assert ecs.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "owner", "value": "qa"}]
    p = aws.run("tag-resource", "--resource-arn", cluster_arn("nope"), "--tags", "key=a,value=b")
    assert p.returncode == 254, p
    assert "ClusterNotFoundException" in p.stderr


@pytest.mark.parametrize("resource", [
    "arn:aws:ecs:us-east-1:000000000000:service/tagged/nosvc",
    "arn:aws:ecs:us-east-1:000000000000:task-definition/nofamily:1",
])
def test_unknown_non_cluster_resource(ecs, arn, resource):
    # TagResource/UntagResource model ResourceNotFoundException; ListTagsForResource does not
    # (its modeled errors: AccessDenied, Server, InvalidParameter, Client, ClusterNotFound) --
    # the contract hook fails the test if an unmodeled code comes back.
    with pytest.raises(ClientError) as ei:
        ecs.tag_resource(resourceArn=resource, tags=[{"key": "a", "value": "b"}])
    assert error_code(ei) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as ei:
        ecs.untag_resource(resourceArn=resource, tagKeys=["a"])
    assert error_code(ei) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as ei:
        ecs.list_tags_for_resource(resourceArn=resource)
    assert error_code(ei) in ("InvalidParameterException", "ClientException")
