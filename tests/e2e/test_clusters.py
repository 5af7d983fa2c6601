"""Cluster operations end to end: CreateCluster, DescribeClusters, ListClusters,
DeleteCluster, UpdateCluster, UpdateClusterSettings (boto3 and the AWS CLI v2)."""
import json

import pytest
from botocore.exceptions import ClientError

from conftest import cluster_arn, error_code, error_message, json_error

NAME_RULE = r"Cluster must match ^[a-zA-Z0-9\-_]{1,255}$, but was "
STAT_NAMES = {
    "runningEC2TasksCount", "runningFargateTasksCount", "pendingEC2TasksCount",
    "pendingFargateTasksCount", "activeEC2ServiceCount", "activeFargateServiceCount",
    "drainingEC2ServiceCount", "drainingFargateServiceCount",
}
EXEC_CONFIG = {
    "executeCommandConfiguration": {
        "kmsKeyId": "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "logging": "OVERRIDE",
        "logConfiguration": {
            "cloudWatchLogGroupName": "/ecs/exec",
            "cloudWatchEncryptionEnabled": True,
            "s3BucketName": "exec-logs",
            "s3EncryptionEnabled": False,
            "s3KeyPrefix": "prefix/",
        },
    }
}


def list_all(ecs, **kw):
    return [a for page in ecs.get_paginator("list_clusters").paginate(**kw) for a in page["clusterArns"]]


# --------------------------------------------------------------------------- CreateCluster

def test_create_cluster_returns_active_cluster_with_zero_counts(ecs):
    c = ecs.create_cluster(clusterName="web")["cluster"]
    assert c["clusterArn"] == "arn:aws:ecs:us-east-1:000000000000:cluster/web"
    assert c["clusterName"] == "web"
    assert c["status"] == "ACTIVE"
    for k in ("registeredContainerInstancesCount", "runningTasksCount", "pendingTasksCount",
              "activeServicesCount"):
        assert c[k] == 0, k
    assert c.get("capacityProviders", []) == []
    assert c.get("defaultCapacityProviderStrategy", []) == []


def test_create_cluster_without_name_creates_default(ecs):
    c = ecs.create_cluster()["cluster"]
    assert c["clusterName"] == "default"
    assert c["clusterArn"] == cluster_arn("default")
    # DescribeClusters without `clusters` describes `default`.
    d = ecs.describe_clusters()
    assert [x["clusterArn"] for x in d["clusters"]] == [cluster_arn("default")]
    assert d["failures"] == []


def test_create_cluster_is_idempotent_for_active_name(ecs):
    first = ecs.create_cluster(clusterName="idem", tags=[{"key": "k", "value": "v"}])["cluster"]
    second = ecs.create_cluster(clusterName="idem")["cluster"]
    assert second["clusterArn"] == first["clusterArn"]
    assert second["status"] == "ACTIVE"
    assert ecs.list_clusters()["clusterArns"] == [cluster_arn("idem")]
    # the original cluster (with its tags) is kept
    assert ecs.list_tags_for_resource(resourceArn=first["clusterArn"])["tags"] == [{"key": "k", "value": "v"}]


def test_create_cluster_echoes_everything(ecs):
    tags = [{"key": "team", "value": "payments"}, {"key": "env", "value": "prod"}]
    settings = [{"name": "containerInsights", "value": "enabled"}]
    strategy = [{"capacityProvider": "FARGATE", "weight": 1, "base": 0}]
    c = ecs.create_cluster(
        clusterName="full",
        tags=tags,
        settings=settings,
        configuration=EXEC_CONFIG,
        capacityProviders=["FARGATE", "FARGATE_SPOT"],
        defaultCapacityProviderStrategy=strategy,
        serviceConnectDefaults={"namespace": "full-ns"},
    )["cluster"]
    assert c["clusterName"] == "full"
    assert c["status"] == "ACTIVE"
    assert sorted(c["tags"], key=lambda t: t["key"]) == sorted(tags, key=lambda t: t["key"])
    assert c["settings"] == settings
    assert c["configuration"] == EXEC_CONFIG
    assert c["capacityProviders"] == ["FARGATE", "FARGATE_SPOT"]
    assert c["defaultCapacityProviderStrategy"] == strategy
    ns = c["serviceConnectDefaults"]["namespace"]
    # a namespace *name* is turned into a Cloud Map namespace ARN in this account/region
    assert ns.startswith("arn:aws:servicediscovery:us-east-1:000000000000:namespace/"), ns

    d = ecs.describe_clusters(clusters=["full"], include=["TAGS", "SETTINGS", "CONFIGURATIONS"])["clusters"][0]
    assert sorted(d["tags"], key=lambda t: t["key"]) == sorted(tags, key=lambda t: t["key"])
    assert d["settings"] == settings
    assert d["configuration"] == EXEC_CONFIG
    assert d["capacityProviders"] == ["FARGATE", "FARGATE_SPOT"]
    assert d["defaultCapacityProviderStrategy"] == strategy
    assert d["serviceConnectDefaults"] == {"namespace": ns}


def test_create_cluster_managed_storage_configuration_roundtrip(server, raw):
    # managedStorageConfiguration is newer than the boto3 on this machine: use the wire directly.
    cfg = {"managedStorageConfiguration": {"kmsKeyId": "key-1", "fargateEphemeralStorageKmsKeyId": "key-2"}}
    status, _, body = raw("CreateCluster", {"clusterName": "ms", "configuration": cfg})
    assert status == 200, body
    assert json.loads(body)["cluster"]["configuration"] == cfg
    status, _, body = raw("DescribeClusters", {"clusters": ["ms"], "include": ["CONFIGURATIONS"]})
    assert status == 200, body
    assert json.loads(body)["clusters"][0]["configuration"] == cfg


def test_default_container_insights_setting_is_disabled(ecs):
    ecs.create_cluster(clusterName="plain")
    d = ecs.describe_clusters(clusters=["plain"], include=["SETTINGS"])["clusters"][0]
    assert d["settings"] == [{"name": "containerInsights", "value": "disabled"}]


@pytest.mark.parametrize("name", ["bad name", "slash/name", "dot.name", "x" * 256, "ümlaut", "colon:x"],
                         ids=["space", "slash", "dot", "256chars", "umlaut", "colon"])
def test_create_cluster_rejects_bad_names(ecs, name):
    with pytest.raises(ClientError) as ei:
        ecs.create_cluster(clusterName=name)
    assert error_code(ei) == "InvalidParameterException"
    assert error_message(ei) == NAME_RULE + name
    assert ecs.list_clusters()["clusterArns"] == []


def test_create_cluster_accepts_255_char_name_with_all_allowed_chars(ecs):
    name = ("Az09-_" * 43)[:255]
    c = ecs.create_cluster(clusterName=name)["cluster"]
    assert c["clusterName"] == name
    assert c["clusterArn"] == cluster_arn(name)


@pytest.mark.parametrize("settings", [
    [{"name": "containerInsights", "value": "sometimes"}],
    [{"name": "notASetting", "value": "enabled"}],
])
def test_create_cluster_rejects_bad_settings(ecs, settings):
    with pytest.raises(ClientError) as ei:
        ecs.create_cluster(clusterName="s", settings=settings)
    assert error_code(ei) == "InvalidParameterException"
    assert ecs.list_clusters()["clusterArns"] == []


@pytest.mark.parametrize("ns", ["bad/name", "bad<name", 'bad"name', "n" * 1025],
                         ids=["slash", "lt", "quote", "1025chars"])
def test_create_cluster_rejects_invalid_namespace_name(ecs, ns):
    # model doc: up to 1024 chars, no '>', '<', '"' or '/' (unless it is an ARN)
    with pytest.raises(ClientError) as ei:
        ecs.create_cluster(clusterName="nsbad", serviceConnectDefaults={"namespace": ns})
    assert error_code(ei) == "InvalidParameterException"
    assert ecs.list_clusters()["clusterArns"] == []


def test_create_cluster_rejects_strategy_provider_not_in_list(ecs):
    with pytest.raises(ClientError) as ei:
        ecs.create_cluster(
            clusterName="strat",
            capacityProviders=["FARGATE"],
            defaultCapacityProviderStrategy=[{"capacityProvider": "FARGATE_SPOT", "weight": 1}],
        )
    assert error_code(ei) == "InvalidParameterException"


# --------------------------------------------------------------------------- DescribeClusters

@pytest.fixture
def rich_cluster(ecs):
    ecs.create_cluster(
        clusterName="rich",
        tags=[{"key": "a", "value": "1"}],
        settings=[{"name": "containerInsights", "value": "enhanced"}],
        configuration=EXEC_CONFIG,
        capacityProviders=["FARGATE"],
    )
    return "rich"


def test_describe_without_include_omits_optional_members(ecs, rich_cluster):
    c = ecs.describe_clusters(clusters=[rich_cluster])["clusters"][0]
    assert c["clusterName"] == "rich"
    assert c["status"] == "ACTIVE"
    assert not c.get("tags")
    assert not c.get("settings")
    assert not c.get("statistics")
    assert "configuration" not in c
    assert not c.get("attachments")
    # not governed by include
    assert c["capacityProviders"] == ["FARGATE"]


@pytest.mark.parametrize("field", ["ATTACHMENTS", "CONFIGURATIONS", "SETTINGS", "STATISTICS", "TAGS"])
def test_describe_include_controls_exactly_its_member(ecs, rich_cluster, field):
    c = ecs.describe_clusters(clusters=[rich_cluster], include=[field])["clusters"][0]
    if field == "TAGS":
        assert c["tags"] == [{"key": "a", "value": "1"}]
    else:
        assert not c.get("tags")
    if field == "SETTINGS":
        assert c["settings"] == [{"name": "containerInsights", "value": "enhanced"}]
    else:
        assert not c.get("settings")
    if field == "CONFIGURATIONS":
        assert c["configuration"] == EXEC_CONFIG
    else:
        assert "configuration" not in c
    if field == "STATISTICS":
        stats = {s["name"]: s["value"] for s in c["statistics"]}
        assert set(stats) == STAT_NAMES
        assert all(v == "0" for v in stats.values()), stats
    else:
        assert not c.get("statistics")
    # FARGATE-only cluster: no Auto Scaling attachments either way
    assert not c.get("attachments")


def test_describe_all_includes_at_once(ecs, rich_cluster):
    c = ecs.describe_clusters(
        clusters=[rich_cluster], include=["ATTACHMENTS", "CONFIGURATIONS", "SETTINGS", "STATISTICS", "TAGS"]
    )["clusters"][0]
    assert c["tags"] == [{"key": "a", "value": "1"}]
    assert c["settings"] == [{"name": "containerInsights", "value": "enhanced"}]
    assert c["configuration"] == EXEC_CONFIG
    assert len(c["statistics"]) == 8


def test_describe_missing_clusters_are_failures_in_request_order(ecs):
    ecs.create_cluster(clusterName="one")
    ecs.create_cluster(clusterName="two")
    r = ecs.describe_clusters(clusters=["two", "ghost", cluster_arn("one"), "phantom"])
    assert [c["clusterName"] for c in r["clusters"]] == ["two", "one"]
    assert r["failures"] == [
        {"arn": "arn:aws:ecs:us-east-1:000000000000:cluster/ghost", "reason": "MISSING"},
        {"arn": "arn:aws:ecs:us-east-1:000000000000:cluster/phantom", "reason": "MISSING"},
    ]


def test_describe_duplicate_identifiers_reported_once(ecs):
    ecs.create_cluster(clusterName="dup")
    r = ecs.describe_clusters(clusters=["dup", cluster_arn("dup"), "dup", "ghost", "ghost"])
    assert [c["clusterArn"] for c in r["clusters"]] == [cluster_arn("dup")]
    assert r["failures"] == [{"arn": cluster_arn("ghost"), "reason": "MISSING"}]


def test_describe_without_clusters_means_default(ecs):
    r = ecs.describe_clusters()
    assert r["clusters"] == []
    assert r["failures"] == [{"arn": cluster_arn("default"), "reason": "MISSING"}]


def test_describe_accepts_100_and_rejects_101(ecs):
    names = [f"n{i}" for i in range(101)]
    r = ecs.describe_clusters(clusters=names[:100])
    assert r["clusters"] == []
    assert len(r["failures"]) == 100
    assert {f["reason"] for f in r["failures"]} == {"MISSING"}
    with pytest.raises(ClientError) as ei:
        ecs.describe_clusters(clusters=names)
    assert error_code(ei) == "InvalidParameterException"


def test_describe_rejects_unknown_include_value(ecs):
    ecs.create_cluster(clusterName="inc")
    with pytest.raises(ClientError) as ei:
        ecs.describe_clusters(clusters=["inc"], include=["EVERYTHING"])
    assert error_code(ei) == "InvalidParameterException"


# --------------------------------------------------------------------------- ListClusters

CREATION_ORDER = ["zeta", "alpha", "mid", "beta", "omega"]


@pytest.fixture
def five(ecs):
    for n in CREATION_ORDER:
        ecs.create_cluster(clusterName=n)
    return [cluster_arn(n) for n in CREATION_ORDER]


def test_list_clusters_empty(ecs):
    r = ecs.list_clusters()
    assert r["clusterArns"] == []
    assert "nextToken" not in r


def test_list_clusters_in_creation_order(ecs, five):
    r = ecs.list_clusters()
    assert r["clusterArns"] == five
    assert "nextToken" not in r
    assert ecs.list_clusters(maxResults=5)["clusterArns"] == five


def test_list_clusters_manual_token_walk(ecs, five):
    p1 = ecs.list_clusters(maxResults=2)
    assert p1["clusterArns"] == five[0:2]
    assert p1["nextToken"]
    p2 = ecs.list_clusters(maxResults=2, nextToken=p1["nextToken"])
    assert p2["clusterArns"] == five[2:4]
    assert p2["nextToken"] and p2["nextToken"] != p1["nextToken"]
    p3 = ecs.list_clusters(maxResults=2, nextToken=p2["nextToken"])
    assert p3["clusterArns"] == five[4:]
    assert "nextToken" not in p3


def test_list_clusters_exact_multiple_has_no_trailing_empty_page(ecs):
    for n in ("a", "b", "c", "d"):
        ecs.create_cluster(clusterName=n)
    pages = list(ecs.get_paginator("list_clusters").paginate(PaginationConfig={"PageSize": 2}))
    assert [p["clusterArns"] for p in pages] == [[cluster_arn("a"), cluster_arn("b")],
                                                 [cluster_arn("c"), cluster_arn("d")]]


def test_list_clusters_paginator_page_size(ecs, five):
    pages = list(ecs.get_paginator("list_clusters").paginate(PaginationConfig={"PageSize": 2}))
    assert [len(p["clusterArns"]) for p in pages] == [2, 2, 1]
    assert [a for p in pages for a in p["clusterArns"]] == five
    # MaxItems is client-side truncation on top of the server's tokens
    r = ecs.get_paginator("list_clusters").paginate(
        PaginationConfig={"PageSize": 2, "MaxItems": 3}).build_full_result()
    assert r["clusterArns"] == five[:3]
    assert "NextToken" in r
    rest = ecs.get_paginator("list_clusters").paginate(
        PaginationConfig={"PageSize": 2, "StartingToken": r["NextToken"]}).build_full_result()
    assert rest["clusterArns"] == five[3:]


def test_list_clusters_default_page_is_100(ecs, raw):
    names = [f"c{i:03d}" for i in range(105)]
    for n in names:
        status, _, body = raw("CreateCluster", {"clusterName": n})
        assert status == 200, body
    p1 = ecs.list_clusters()
    assert p1["clusterArns"] == [cluster_arn(n) for n in names[:100]]
    p2 = ecs.list_clusters(nextToken=p1["nextToken"])
    assert p2["clusterArns"] == [cluster_arn(n) for n in names[100:]]
    assert "nextToken" not in p2
    assert ecs.list_clusters(maxResults=100)["clusterArns"] == p1["clusterArns"]


@pytest.mark.parametrize("bad", [0, -1, 101, 1000])
def test_list_clusters_rejects_out_of_range_max_results(ecs, five, bad):
    with pytest.raises(ClientError) as ei:
        ecs.list_clusters(maxResults=bad)
    assert error_code(ei) == "InvalidParameterException"


def test_list_clusters_max_results_bounds_accepted(ecs, five):
    assert ecs.list_clusters(maxResults=1)["clusterArns"] == five[:1]
    assert ecs.list_clusters(maxResults=100)["clusterArns"] == five


@pytest.mark.parametrize("token", ["garbage", "AAAA", "eyJmb28iOiJiYXIifQ==", "!!!not base64!!!"])
def test_list_clusters_rejects_garbage_token(ecs, five, token):
    with pytest.raises(ClientError) as ei:
        ecs.list_clusters(nextToken=token)
    assert error_code(ei) == "InvalidParameterException"


def test_list_clusters_token_survives_inserts_and_deletes(ecs, five):
    p1 = ecs.list_clusters(maxResults=2)
    ecs.create_cluster(clusterName="late")
    ecs.delete_cluster(cluster="alpha")  # already returned; stays listed as INACTIVE anyway
    rest = []
    token = p1["nextToken"]
    while token:
        p = ecs.list_clusters(maxResults=2, nextToken=token)
        rest += p["clusterArns"]
        token = p.get("nextToken")
    assert p1["clusterArns"] + rest == five + [cluster_arn("late")]


def test_list_clusters_includes_inactive(ecs, five):
    ecs.delete_cluster(cluster="mid")
    assert ecs.list_clusters()["clusterArns"] == five


# --------------------------------------------------------------------------- DeleteCluster

def test_delete_cluster_lifecycle(ecs):
    created = ecs.create_cluster(clusterName="gone", tags=[{"key": "x", "value": "y"}])["cluster"]
    d = ecs.delete_cluster(cluster="gone")["cluster"]
    assert d["clusterArn"] == created["clusterArn"]
    assert d["clusterName"] == "gone"
    assert d["status"] == "INACTIVE"
    assert d["registeredContainerInstancesCount"] == 0
    assert d["runningTasksCount"] == 0
    assert d["activeServicesCount"] == 0

    r = ecs.describe_clusters(clusters=["gone"])
    assert [c["status"] for c in r["clusters"]] == ["INACTIVE"]
    assert r["failures"] == []
    assert ecs.list_clusters()["clusterArns"] == [cluster_arn("gone")]

    with pytest.raises(ClientError) as ei:
        ecs.delete_cluster(cluster="gone")
    assert error_code(ei) == "ClusterNotFoundException"

    again = ecs.create_cluster(clusterName="gone")["cluster"]
    assert again["status"] == "ACTIVE"
    assert again["clusterArn"] == cluster_arn("gone")
    r = ecs.describe_clusters(clusters=["gone"], include=["TAGS"])
    assert [c["status"] for c in r["clusters"]] == ["ACTIVE"]
    assert not r["clusters"][0].get("tags"), "tags of the deleted cluster must not come back"
    assert ecs.list_clusters()["clusterArns"] == [cluster_arn("gone")]


def test_delete_cluster_disassociates_capacity_providers(ecs):
    ecs.create_cluster(clusterName="cp", capacityProviders=["FARGATE"],
                       defaultCapacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1, "base": 0}])
    d = ecs.delete_cluster(cluster="cp")["cluster"]
    assert d["status"] == "INACTIVE"
    assert d.get("capacityProviders", []) == []
    assert d.get("defaultCapacityProviderStrategy", []) == []


def test_delete_cluster_by_arn(ecs):
    ecs.create_cluster(clusterName="byarn")
    assert ecs.delete_cluster(cluster=cluster_arn("byarn"))["cluster"]["status"] == "INACTIVE"


def test_delete_unknown_cluster(ecs):
    with pytest.raises(ClientError) as ei:
        ecs.delete_cluster(cluster="never-was")
    assert error_code(ei) == "ClusterNotFoundException"
    assert error_message(ei) == "Cluster not found."


def test_delete_cluster_bad_name_is_invalid_parameter(ecs):
    with pytest.raises(ClientError) as ei:
        ecs.delete_cluster(cluster="no spaces")
    assert error_code(ei) in ("InvalidParameterException", "ClusterNotFoundException")


# --------------------------------------------------------------------------- UpdateCluster(Settings)

def test_update_cluster_settings_and_configuration(ecs):
    ecs.create_cluster(clusterName="upd")
    r = ecs.update_cluster(
        cluster="upd",
        settings=[{"name": "containerInsights", "value": "enabled"}],
        configuration=EXEC_CONFIG,
    )["cluster"]
    assert r["clusterArn"] == cluster_arn("upd")
    assert r["status"] == "ACTIVE"
    d = ecs.describe_clusters(clusters=["upd"], include=["SETTINGS", "CONFIGURATIONS"])["clusters"][0]
    assert d["settings"] == [{"name": "containerInsights", "value": "enabled"}]
    assert d["configuration"] == EXEC_CONFIG

    # a second update with only `settings` leaves the configuration alone
    new_cfg = {"executeCommandConfiguration": {"logging": "NONE"}}
    ecs.update_cluster(cluster=cluster_arn("upd"), configuration=new_cfg)
    d = ecs.describe_clusters(clusters=["upd"], include=["SETTINGS", "CONFIGURATIONS"])["clusters"][0]
    assert d["configuration"] == new_cfg
    assert d["settings"] == [{"name": "containerInsights", "value": "enabled"}]


def test_update_cluster_service_connect_defaults(ecs):
    ecs.create_cluster(clusterName="sc")
    r = ecs.update_cluster(cluster="sc", serviceConnectDefaults={"namespace": "sc-ns"})["cluster"]
    ns = r["serviceConnectDefaults"]["namespace"]
    assert ns.startswith("arn:aws:servicediscovery:us-east-1:000000000000:namespace/"), ns
    d = ecs.describe_clusters(clusters=["sc"])["clusters"][0]
    assert d["serviceConnectDefaults"] == {"namespace": ns}
    # empty namespace removes the Service Connect defaults
    ecs.update_cluster(cluster="sc", serviceConnectDefaults={"namespace": ""})
    d = ecs.describe_clusters(clusters=["sc"])["clusters"][0]
    assert not d.get("serviceConnectDefaults")


def test_update_cluster_errors(ecs):
    with pytest.raises(ClientError) as ei:
        ecs.update_cluster(cluster="nope", settings=[{"name": "containerInsights", "value": "enabled"}])
    assert error_code(ei) == "ClusterNotFoundException"
    ecs.create_cluster(clusterName="u2")
    with pytest.raises(ClientError) as ei:
        ecs.update_cluster(cluster="u2", settings=[{"name": "containerInsights", "value": "maybe"}])
    assert error_code(ei) == "InvalidParameterException"
    ecs.delete_cluster(cluster="u2")
    with pytest.raises(ClientError) as ei:
        ecs.update_cluster(cluster="u2", settings=[{"name": "containerInsights", "value": "enabled"}])
    assert error_code(ei) == "ClusterNotFoundException"


@pytest.mark.parametrize("value", ["enabled", "disabled", "enhanced"])
def test_update_cluster_settings(ecs, value):
    ecs.create_cluster(clusterName="ucs")
    r = ecs.update_cluster_settings(cluster="ucs", settings=[{"name": "containerInsights", "value": value}])
    assert r["cluster"]["clusterArn"] == cluster_arn("ucs")
    assert r["cluster"]["settings"] == [{"name": "containerInsights", "value": value}]
    d = ecs.describe_clusters(clusters=[cluster_arn("ucs")], include=["SETTINGS"])["clusters"][0]
    assert d["settings"] == [{"name": "containerInsights", "value": value}]


def test_update_cluster_settings_errors(ecs):
    with pytest.raises(ClientError) as ei:
        ecs.update_cluster_settings(cluster="nope", settings=[{"name": "containerInsights", "value": "enabled"}])
    assert error_code(ei) == "ClusterNotFoundException"
    ecs.create_cluster(clusterName="ucs2")
    with pytest.raises(ClientError) as ei:
        ecs.update_cluster_settings(cluster="ucs2", settings=[{"name": "containerInsights", "value": "on"}])
    assert error_code(ei) == "InvalidParameterException"
    with pytest.raises(ClientError) as ei:
        ecs.update_cluster_settings(cluster="ucs2", settings=[{"name": "bogus", "value": "enabled"}])
    assert error_code(ei) == "InvalidParameterException"
    d = ecs.describe_clusters(clusters=["ucs2"], include=["SETTINGS"])["clusters"][0]
    assert d["settings"] == [{"name": "containerInsights", "value": "disabled"}]


@pytest.mark.parametrize("op,body", [
    ("UpdateClusterSettings", {"settings": [{"name": "containerInsights", "value": "enabled"}]}),
    ("UpdateClusterSettings", {"cluster": "req"}),
    ("UpdateCluster", {}),
    ("DeleteCluster", {}),
    ("TagResource", {"resourceArn": cluster_arn("req")}),
    ("TagResource", {"tags": [{"key": "a", "value": "b"}]}),
    ("UntagResource", {"resourceArn": cluster_arn("req")}),
    ("ListTagsForResource", {}),
])
def test_missing_required_member_is_invalid_parameter(server, raw, op, body):
    # SDKs check required members client-side; curl users get InvalidParameterException
    assert raw("CreateCluster", {"clusterName": "req"})[0] == 200
    status, code, message, _ = json_error(raw(op, body))
    assert (status, code) == (400, "InvalidParameterException"), message
    assert isinstance(message, str) and message


# --------------------------------------------------------------------------- AWS CLI v2

def test_cli_cluster_lifecycle(aws, ecs):
    c = aws("create-cluster", "--cluster-name", "cli-one", "--tags", "key=owner,value=cli",
            "--settings", "name=containerInsights,value=enabled")["cluster"]
    assert c["clusterArn"] == cluster_arn("cli-one")
    assert c["status"] == "ACTIVE"
    assert c["tags"] == [{"key": "owner", "value": "cli"}]
    assert c["settings"] == [{"name": "containerInsights", "value": "enabled"}]
    for n in ("cli-two", "cli-three", "cli-four", "cli-five"):
        ecs.create_cluster(clusterName=n)
    d = aws("describe-clusters", "--clusters", "cli-one", "nope", "--include", "TAGS")
    assert [x["clusterName"] for x in d["clusters"]] == ["cli-one"]
    assert d["clusters"][0]["tags"] == [{"key": "owner", "value": "cli"}]
    assert d["failures"] == [{"arn": cluster_arn("nope"), "reason": "MISSING"}]
    # the CLI auto-paginates: --page-size 2 makes three requests and merges them
    listed = aws("list-clusters", "--page-size", "2")
    assert listed["clusterArns"] == [cluster_arn(n) for n in
                                     ("cli-one", "cli-two", "cli-three", "cli-four", "cli-five")]
    assert "nextToken" not in listed and "NextToken" not in listed
    gone = aws("delete-cluster", "--cluster", "cli-two")["cluster"]
    assert gone["status"] == "INACTIVE"
    assert ecs.describe_clusters(clusters=["cli-two"])["clusters"][0]["status"] == "INACTIVE"


def test_cli_max_items_and_starting_token(aws, ecs, five):
    first = aws("list-clusters", "--page-size", "2", "--max-items", "3")
    assert first["clusterArns"] == five[:3]
    assert first["NextToken"]
    rest = aws("list-clusters", "--page-size", "2", "--starting-token", first["NextToken"])
    assert rest["clusterArns"] == five[3:]


def test_cli_error_exit_code_and_type(aws):
    p = aws.run("delete-cluster", "--cluster", "does-not-exist")
    assert p.returncode in (254, 255), p
    assert "ClusterNotFoundException" in p.stderr
    assert "Cluster not found." in p.stderr
    p = aws.run("list-clusters", "--page-size", "101")
    assert p.returncode in (254, 255), p
    assert "InvalidParameterException" in p.stderr
