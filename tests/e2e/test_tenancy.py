"""Regions (from the SigV4 credential scope) and accounts (12-digit access keys) are
separate namespaces."""
import pytest
from botocore.exceptions import ClientError

from conftest import cluster_arn, error_code

OTHER_ACCOUNT = "111122223333"


def test_regions_are_isolated(ecs_for):
    use1 = ecs_for("us-east-1")
    euw1 = ecs_for("eu-west-1")
    c = use1.create_cluster(clusterName="shared", tags=[{"key": "r", "value": "use1"}])["cluster"]
    assert c["clusterArn"] == "arn:aws:ecs:us-east-1:000000000000:cluster/shared"

    assert euw1.list_clusters()["clusterArns"] == []
    r = euw1.describe_clusters(clusters=["shared"])
    assert r["clusters"] == []
    assert r["failures"] == [{"arn": "arn:aws:ecs:eu-west-1:000000000000:cluster/shared", "reason": "MISSING"}]
    with pytest.raises(ClientError) as ei:
        euw1.delete_cluster(cluster="shared")
    assert error_code(ei) == "ClusterNotFoundException"

    e = euw1.create_cluster(clusterName="shared")["cluster"]
    assert e["clusterArn"] == "arn:aws:ecs:eu-west-1:000000000000:cluster/shared"
    euw1.delete_cluster(cluster="shared")
    assert use1.describe_clusters(clusters=["shared"])["clusters"][0]["status"] == "ACTIVE"
    assert euw1.describe_clusters(clusters=["shared"])["clusters"][0]["status"] == "INACTIVE"
    assert use1.list_tags_for_resource(resourceArn=c["clusterArn"])["tags"] == [{"key": "r", "value": "use1"}]
    assert euw1.list_tags_for_resource(resourceArn=e["clusterArn"])["tags"] == []
    assert use1.list_clusters()["clusterArns"] == [cluster_arn("shared")]
    assert euw1.list_clusters()["clusterArns"] == [cluster_arn("shared", region="eu-west-1")]


def test_twelve_digit_access_key_is_the_account(ecs_for):
    mine = ecs_for("us-east-1", "AKIDEXAMPLE")
    theirs = ecs_for("us-east-1", OTHER_ACCOUNT)
    c = theirs.create_cluster(clusterName="acct")["cluster"]
    assert c["clusterArn"] == f"arn:aws:ecs:us-east-1:{OTHER_ACCOUNT}:cluster/acct"
    assert theirs.list_clusters()["clusterArns"] == [c["clusterArn"]]

    assert mine.list_clusters()["clusterArns"] == []
    r = mine.describe_clusters(clusters=["acct"])
    assert r["failures"] == [{"arn": cluster_arn("acct"), "reason": "MISSING"}]
    with pytest.raises(ClientError):
        mine.tag_resource(resourceArn=c["clusterArn"], tags=[{"key": "a", "value": "b"}])
    assert theirs.list_tags_for_resource(resourceArn=c["clusterArn"])["tags"] == []

    d = theirs.describe_clusters(clusters=["acct"])["clusters"][0]
    assert d["clusterArn"] == c["clusterArn"]


@pytest.mark.parametrize("foreign", [
    "arn:aws:ecs:us-east-1:111122223333:cluster/x",   # other account
    "arn:aws:ecs:eu-west-1:000000000000:cluster/x",   # other region
])
def test_foreign_cluster_arn_is_cluster_not_found(ecs, ecs_for, foreign):
    # spec docs/operations.md B3: unknown resource => ResourceNotFoundException, but a *cluster* ARN => CNF
    ecs.create_cluster(clusterName="x")
    ecs_for("eu-west-1", OTHER_ACCOUNT).create_cluster(clusterName="x")
    for call in (lambda: ecs.tag_resource(resourceArn=foreign, tags=[{"key": "a", "value": "b"}]),
                 lambda: ecs.list_tags_for_resource(resourceArn=foreign)):
        with pytest.raises(ClientError) as ei:
            call()
        assert error_code(ei) == "ClusterNotFoundException"
    assert ecs.list_tags_for_resource(resourceArn=cluster_arn("x"))["tags"] == []


@pytest.mark.parametrize("key", ["AKIDEXAMPLE", "test", "12345678901", "1234567890123", "AKIA11112222333"])
def test_other_access_keys_use_default_account(ecs_for, key):
    c = ecs_for("us-east-1", key).create_cluster(clusterName="dflt")["cluster"]
    assert c["clusterArn"] == "arn:aws:ecs:us-east-1:000000000000:cluster/dflt"


def test_same_name_in_two_accounts_and_two_regions(ecs_for):
    clients = {
        ("us-east-1", "000000000000"): ecs_for("us-east-1", "AKIDEXAMPLE"),
        ("eu-west-1", "000000000000"): ecs_for("eu-west-1", "AKIDEXAMPLE"),
        ("us-east-1", OTHER_ACCOUNT): ecs_for("us-east-1", OTHER_ACCOUNT),
        ("eu-west-1", OTHER_ACCOUNT): ecs_for("eu-west-1", OTHER_ACCOUNT),
    }
    for (region, acct), c in clients.items():
        arn = c.create_cluster(clusterName="same", tags=[{"key": "where", "value": f"{region}/{acct}"}])[
            "cluster"]["clusterArn"]
        assert arn == f"arn:aws:ecs:{region}:{acct}:cluster/same"
    for (region, acct), c in clients.items():
        d = c.describe_clusters(clusters=["same"], include=["TAGS"])["clusters"]
        assert len(d) == 1
        assert d[0]["tags"] == [{"key": "where", "value": f"{region}/{acct}"}]
        assert c.list_clusters()["clusterArns"] == [f"arn:aws:ecs:{region}:{acct}:cluster/same"]


def test_cli_region_and_account(aws, ecs, ecs_for):
    c = aws("create-cluster", "--cluster-name", "cli-eu", region="eu-west-1")["cluster"]
    assert c["clusterArn"] == cluster_arn("cli-eu", region="eu-west-1")
    ecs_for("us-east-1", OTHER_ACCOUNT).create_cluster(clusterName="cli-acct")
    assert ecs.list_clusters()["clusterArns"] == []
    assert aws("list-clusters", region="eu-west-1")["clusterArns"] == [cluster_arn("cli-eu", region="eu-west-1")]
    assert aws("list-clusters", access_key=OTHER_ACCOUNT)["clusterArns"] == [
        cluster_arn("cli-acct", account=OTHER_ACCOUNT)]
