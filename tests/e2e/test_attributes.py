"""Attributes end to end: PutAttributes, DeleteAttributes, ListAttributes over container instances
(boto3 and the AWS CLI v2). Instances come from the emulator's fleet endpoint."""
import pytest
from botocore.exceptions import ClientError

from conftest import error_code
from taskhelpers import fleet

CI = "container-instance"


@pytest.fixture
def two(server, ecs):
    ecs.create_cluster(clusterName="c")
    return fleet(server, cluster="c", count=2)


def custom(ecs, arn, cluster="c"):
    ci = ecs.describe_container_instances(cluster=cluster, containerInstances=[arn])["containerInstances"][0]
    return {a["name"]: a.get("value") for a in ci["attributes"]
            if not a["name"].startswith(("ecs.", "com.amazonaws.ecs."))}


def listed(ecs, **kw):
    pages = ecs.get_paginator("list_attributes").paginate(cluster="c", targetType=CI, **kw)
    return [a for p in pages for a in p["attributes"]]


def test_put_list_delete(ecs, two):
    a, b = two
    b_id = b.rsplit("/", 1)[1]
    out = ecs.put_attributes(cluster="c", attributes=[
        {"name": "stack", "value": "prod", "targetId": a},
        {"name": "gpu", "targetId": a},                                      # no value
        {"name": "stack", "value": "dev", "targetType": CI, "targetId": b_id},  # by ID
    ])["attributes"]
    assert out == [
        {"name": "stack", "value": "prod", "targetType": CI, "targetId": a},
        {"name": "gpu", "targetType": CI, "targetId": a},
        {"name": "stack", "value": "dev", "targetType": CI, "targetId": b},
    ]
    assert custom(ecs, a) == {"stack": "prod", "gpu": None}
    assert custom(ecs, b) == {"stack": "dev"}

    everything = listed(ecs)
    names = {x["name"] for x in everything}
    assert {"stack", "gpu", "ecs.instance-type", "ecs.availability-zone", "ecs.os-type"} <= names
    assert all(x["targetType"] == CI and x["targetId"] in (a, b) for x in everything)
    assert sorted((x["targetId"], x.get("value")) for x in listed(ecs, attributeName="stack")) == \
        sorted([(a, "prod"), (b, "dev")])
    assert listed(ecs, attributeName="stack", attributeValue="dev") == [
        {"name": "stack", "value": "dev", "targetType": CI, "targetId": b}]
    assert listed(ecs, attributeName="nope") == []

    # Overwrite, then delete (the value is not needed to delete).
    ecs.put_attributes(cluster="c", attributes=[{"name": "stack", "value": "canary", "targetId": a}])
    assert custom(ecs, a)["stack"] == "canary"
    gone = ecs.delete_attributes(cluster="c", attributes=[{"name": "stack", "targetId": a},
                                                          {"name": "gpu", "targetId": a}])["attributes"]
    assert [g["name"] for g in gone] == ["stack", "gpu"]
    assert custom(ecs, a) == {}
    assert custom(ecs, b) == {"stack": "dev"}
    # Deleting an attribute the instance does not have is not an error.
    ecs.delete_attributes(cluster="c", attributes=[{"name": "never", "targetId": a}])


def test_attribute_limits(ecs, two):
    a, b = two
    with pytest.raises(ClientError) as ei:
        ecs.put_attributes(cluster="c", attributes=[{"name": f"k{i}", "targetId": a} for i in range(11)])
    assert error_code(ei) == "InvalidParameterException"
    ecs.put_attributes(cluster="c", attributes=[{"name": f"k{i}", "value": "v", "targetId": a} for i in range(10)])
    with pytest.raises(ClientError) as ei:
        ecs.put_attributes(cluster="c", attributes=[{"name": "k10", "targetId": a}])
    assert error_code(ei) == "AttributeLimitExceededException"
    # Overwriting one of the ten is fine; the failed call changed nothing.
    ecs.put_attributes(cluster="c", attributes=[{"name": "k0", "value": "w", "targetId": a}])
    assert len(custom(ecs, a)) == 10 and custom(ecs, a)["k0"] == "w"
    # A call that fails on one item applies none of them.
    with pytest.raises(ClientError) as ei:
        ecs.put_attributes(cluster="c", attributes=[{"name": "ok", "targetId": b}, {"name": "k11", "targetId": a}])
    assert error_code(ei) == "AttributeLimitExceededException"
    assert custom(ecs, b) == {}


@pytest.mark.parametrize("attribute", [
    {"name": "has space"}, {"name": "x" * 129}, {"name": "bad!"},
    {"name": "ok", "value": " leading"}, {"name": "ok", "value": "trailing "}, {"name": "ok", "value": "y" * 129},
    {"name": "ok", "value": "semi;colon"},
], ids=["name-space", "name-129", "name-bang", "value-leading", "value-trailing", "value-129", "value-semicolon"])
def test_invalid_names_and_values(ecs, two, attribute):
    with pytest.raises(ClientError) as ei:
        ecs.put_attributes(cluster="c", attributes=[dict(attribute, targetId=two[0])])
    assert error_code(ei) == "InvalidParameterException"


def test_allowed_characters(ecs, two):
    name = "team/Sub_group-1.2\\x"
    value = "a-b_c.d@e/f\\g:h i"
    ecs.put_attributes(cluster="c", attributes=[{"name": name, "value": value, "targetId": two[0]}])
    assert custom(ecs, two[0]) == {name: value}


def test_target_and_cluster_errors(ecs, two):
    a, _ = two
    missing = a.rsplit("/", 1)[0] + "/0123456789abcdef0123456789abcdef"
    for op in (ecs.put_attributes, ecs.delete_attributes):
        with pytest.raises(ClientError) as ei:
            op(cluster="c", attributes=[{"name": "x", "targetId": missing}])
        assert error_code(ei) == "TargetNotFoundException"
        with pytest.raises(ClientError) as ei:
            op(cluster="nope", attributes=[{"name": "x", "targetId": a}])
        assert error_code(ei) == "ClusterNotFoundException"
        with pytest.raises(ClientError) as ei:
            op(cluster="c", attributes=[{"name": "x", "targetId": "0123456789abcdef0123456789abcdef"}])
        assert error_code(ei) == "InvalidParameterException"  # an ID needs targetType
        with pytest.raises(ClientError) as ei:
            op(cluster="c", attributes=[{"name": "x", "targetType": "task", "targetId": a}])
        assert error_code(ei) == "InvalidParameterException"
        with pytest.raises(ClientError) as ei:
            op(cluster="c", attributes=[])
        assert error_code(ei) == "InvalidParameterException"
    # An instance of another cluster is not a target in this one.
    ecs.create_cluster(clusterName="other")
    with pytest.raises(ClientError) as ei:
        ecs.put_attributes(cluster="other", attributes=[{"name": "x", "targetId": a}])
    assert error_code(ei) == "TargetNotFoundException"
    # Deregistered instances are no targets either.
    ecs.deregister_container_instance(cluster="c", containerInstance=a, force=True)
    with pytest.raises(ClientError) as ei:
        ecs.put_attributes(cluster="c", attributes=[{"name": "x", "targetId": a}])
    assert error_code(ei) == "TargetNotFoundException"
    assert all(x["targetId"] != a for x in listed(ecs))


def test_list_attributes_errors(ecs, two):
    for kw, code in (({"targetType": "task"}, "InvalidParameterException"),
                     ({"targetType": CI, "attributeValue": "prod"}, "InvalidParameterException"),
                     ({"targetType": CI, "maxResults": 0}, "InvalidParameterException"),
                     ({"targetType": CI, "maxResults": 101}, "InvalidParameterException"),
                     ({"targetType": CI, "nextToken": "garbage"}, "InvalidParameterException")):
        with pytest.raises(ClientError) as ei:
            ecs.list_attributes(cluster="c", **kw)
        assert error_code(ei) == code, kw
    with pytest.raises(ClientError) as ei:
        ecs.list_attributes(cluster="nope", targetType=CI)
    assert error_code(ei) == "ClusterNotFoundException"


@pytest.mark.parametrize("page_size", [1, 4, 100])
def test_list_attributes_paginator(ecs, two, page_size):
    for arn in two:
        ecs.put_attributes(cluster="c", attributes=[{"name": f"p{i}", "value": str(i), "targetId": arn} for i in range(5)])
    # Every attribute of both instances (built-ins included: more than one default page).
    described = ecs.describe_container_instances(cluster="c", containerInstances=two)["containerInstances"]
    total = sum(len(ci["attributes"]) for ci in described)
    assert total > 100
    first = ecs.list_attributes(cluster="c", targetType=CI)
    assert len(first["attributes"]) == 100 and "nextToken" in first
    whole = first["attributes"] + ecs.list_attributes(cluster="c", targetType=CI,
                                                      nextToken=first["nextToken"])["attributes"]
    assert len(whole) == total
    pages = list(ecs.get_paginator("list_attributes").paginate(
        cluster="c", targetType=CI, PaginationConfig={"PageSize": page_size}))
    assert [a for p in pages for a in p["attributes"]] == whole
    assert all(0 < len(p["attributes"]) <= page_size for p in pages)
    assert "nextToken" not in pages[-1]
    first = ecs.list_attributes(cluster="c", targetType=CI, maxResults=2)
    with pytest.raises(ClientError) as ei:
        ecs.list_attributes(cluster="c", targetType=CI, attributeName="p1", nextToken=first["nextToken"])
    assert error_code(ei) == "InvalidParameterException"


def test_cli(aws, ecs, two):
    a, _ = two
    out = aws("put-attributes", "--cluster", "c", "--attributes", f"name=zone-group,value=blue,targetId={a}")
    assert out["attributes"] == [{"name": "zone-group", "value": "blue", "targetType": CI, "targetId": a}]
    got = aws("list-attributes", "--cluster", "c", "--target-type", CI, "--attribute-name", "zone-group")
    assert got["attributes"] == out["attributes"]
    everything = aws("list-attributes", "--cluster", "c", "--target-type", CI, "--page-size", "3")
    assert len(everything["attributes"]) == len(listed(ecs))
    aws("delete-attributes", "--cluster", "c", "--attributes", f"name=zone-group,targetId={a}")
    assert custom(ecs, a) == {}


def test_attributes_survive_restart(server, ecs, two):
    a, b = two
    ecs.put_attributes(cluster="c", attributes=[{"name": "stack", "value": "prod", "targetId": a},
                                                {"name": "gpu", "targetId": b}])
    server.restart()
    ecs = server.client()
    assert custom(ecs, a) == {"stack": "prod"}
    assert custom(ecs, b) == {"gpu": None}
    assert listed(ecs, attributeName="stack", attributeValue="prod") == [
        {"name": "stack", "value": "prod", "targetType": CI, "targetId": a}]
