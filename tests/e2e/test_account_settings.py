"""Account settings end to end: PutAccountSetting, PutAccountSettingDefault,
DeleteAccountSetting, ListAccountSettings (boto3, the AWS CLI v2 and raw wire requests).

The `type` member of Setting is newer than this machine's boto3: tests that look at it use
`raw`, whose answers are checked against the newest botocore model."""
import json

import pytest
from botocore.exceptions import ClientError

from conftest import error_code, error_message

ROOT = "arn:aws:iam::000000000000:root"
USER = "arn:aws:iam::000000000000:user/alice"
ROLE = "arn:aws:iam::000000000000:role/deploy/ci"

DEFAULTS = {
    "awsvpcTrunking": "disabled",
    "containerInsights": "disabled",
    "containerInstanceLongArnFormat": "enabled",
    "defaultLogDriverMode": "non-blocking",
    "fargateEventWindows": "disabled",
    "fargateFIPSMode": "disabled",
    "fargateTaskRetirementWaitPeriod": "7",
    "guardDutyActivate": "off",
    "serviceLongArnFormat": "enabled",
    "tagResourceAuthorization": "on",
    "taskLongArnFormat": "enabled",
}

VALID = {
    "awsvpcTrunking": ["enabled", "disabled"],
    "containerInsights": ["enabled", "disabled", "enhanced"],
    "containerInstanceLongArnFormat": ["enabled", "disabled"],
    "defaultLogDriverMode": ["blocking", "non-blocking"],
    "fargateEventWindows": ["enabled", "disabled"],
    "fargateFIPSMode": ["enabled", "disabled"],
    "fargateTaskRetirementWaitPeriod": ["0", "7", "14"],
    "serviceLongArnFormat": ["enabled", "disabled"],
    "tagResourceAuthorization": ["on", "off"],
    "taskLongArnFormat": ["enabled", "disabled"],
}


def effective(ecs, **kw):
    pages = ecs.get_paginator("list_account_settings").paginate(effectiveSettings=True, **kw)
    return {s["name"]: s["value"] for p in pages for s in p["settings"]}


def call(raw, op, body):
    status, _, data = raw(op, body)
    obj = json.loads(data)
    if status != 200:
        return status, obj["__type"].split("#")[-1], obj.get("message")
    return obj


# --------------------------------------------------------------------------- defaults

def test_fresh_account_has_the_documented_effective_defaults(ecs):
    first = ecs.list_account_settings(effectiveSettings=True)
    assert len(first["settings"]) == 10  # default page size
    assert "nextToken" in first
    second = ecs.list_account_settings(effectiveSettings=True, nextToken=first["nextToken"])
    assert "nextToken" not in second
    settings = first["settings"] + second["settings"]
    assert [s["name"] for s in settings] == sorted(DEFAULTS)  # alphabetical
    assert {s["name"]: s["value"] for s in settings} == DEFAULTS
    assert {s["principalArn"] for s in settings} == {ROOT}
    # Nothing is set explicitly yet.
    assert ecs.list_account_settings()["settings"] == []
    assert ecs.list_account_settings(effectiveSettings=False)["settings"] == []


def test_setting_types(raw):
    out = call(raw, "ListAccountSettings", {"effectiveSettings": True, "name": "guardDutyActivate"})
    assert out["settings"] == [{"name": "guardDutyActivate", "value": "off", "principalArn": ROOT, "type": "aws_managed"}]
    out = call(raw, "ListAccountSettings", {"effectiveSettings": True, "name": "awsvpcTrunking"})
    assert out["settings"] == [{"name": "awsvpcTrunking", "value": "disabled", "principalArn": ROOT, "type": "user"}]
    put = call(raw, "PutAccountSetting", {"name": "containerInsights", "value": "enhanced"})
    assert put == {"setting": {"name": "containerInsights", "value": "enhanced", "principalArn": ROOT, "type": "user"}}


# --------------------------------------------------------------------------- put / default / delete

@pytest.mark.parametrize("name", sorted(VALID))
def test_every_valid_value_is_accepted(ecs, name):
    for value in VALID[name]:
        s = ecs.put_account_setting(name=name, value=value)["setting"]
        assert s == {"name": name, "value": value, "principalArn": ROOT}
        assert effective(ecs, name=name) == {name: value}


@pytest.mark.parametrize("name,value", [
    ("containerInsights", "on"), ("awsvpcTrunking", "enhanced"), ("tagResourceAuthorization", "enabled"),
    ("fargateTaskRetirementWaitPeriod", "3"), ("defaultLogDriverMode", "enabled"), ("serviceLongArnFormat", "ENABLED"),
    ("notASetting", "enabled"), ("dualStackIPv6", "enabled"),
])
def test_invalid_names_and_values(ecs, name, value):
    for put in (ecs.put_account_setting, ecs.put_account_setting_default):
        with pytest.raises(ClientError) as ei:
            put(name=name, value=value)
        assert error_code(ei) == "InvalidParameterException"
        if name in ("notASetting", "dualStackIPv6"):  # unknown names: AWS's text (issue 11)
            assert error_message(ei).startswith("name should be one of [serviceLongArnFormat,")
        else:
            assert value in error_message(ei) or name in error_message(ei)
    assert ecs.list_account_settings()["settings"] == []


def test_missing_members(raw):
    for op, body in (("PutAccountSetting", {}), ("PutAccountSetting", {"name": "awsvpcTrunking"}),
                     ("PutAccountSettingDefault", {"value": "enabled"}), ("DeleteAccountSetting", {}),
                     ("PutAccountSetting", {"name": "awsvpcTrunking", "value": ""})):
        status, code, _ = call(raw, op, body)
        assert (status, code) == (400, "InvalidParameterException"), (op, body)


def test_guard_duty_activate_is_read_only(ecs):
    for put in (ecs.put_account_setting, ecs.put_account_setting_default):
        with pytest.raises(ClientError) as ei:
            put(name="guardDutyActivate", value="on")
        assert error_code(ei) == "InvalidParameterException"
        assert "read-only" in error_message(ei)
    with pytest.raises(ClientError) as ei:
        ecs.delete_account_setting(name="guardDutyActivate")
    assert error_code(ei) == "InvalidParameterException"
    assert effective(ecs, name="guardDutyActivate") == {"guardDutyActivate": "off"}


def test_fargate_task_retirement_wait_period_is_root_only(ecs):
    assert ecs.put_account_setting(name="fargateTaskRetirementWaitPeriod", value="14")["setting"]["principalArn"] == ROOT
    assert ecs.put_account_setting(name="fargateTaskRetirementWaitPeriod", value="0",
                                   principalArn=ROOT)["setting"]["value"] == "0"
    for principal in (USER, ROLE):
        with pytest.raises(ClientError) as ei:
            ecs.put_account_setting(name="fargateTaskRetirementWaitPeriod", value="7", principalArn=principal)
        assert error_code(ei) == "InvalidParameterException"
        assert "root" in error_message(ei)
    assert effective(ecs, name="fargateTaskRetirementWaitPeriod") == {"fargateTaskRetirementWaitPeriod": "0"}


def test_put_account_setting_default_is_the_root_setting(ecs):
    s = ecs.put_account_setting_default(name="awsvpcTrunking", value="enabled")["setting"]
    assert s == {"name": "awsvpcTrunking", "value": "enabled", "principalArn": ROOT}
    assert ecs.list_account_settings()["settings"] == [s]
    assert ecs.list_account_settings(principalArn=ROOT)["settings"] == [s]
    # PutAccountSetting for the root and the default are the same setting.
    ecs.put_account_setting(name="awsvpcTrunking", value="disabled")
    assert ecs.list_account_settings()["settings"] == [dict(s, value="disabled")]


def test_principals_fall_back_to_the_account_default(ecs):
    ecs.put_account_setting_default(name="containerInsights", value="enabled")
    ecs.put_account_setting(name="containerInsights", value="enhanced", principalArn=USER)
    ecs.put_account_setting(name="serviceLongArnFormat", value="disabled", principalArn=ROLE)
    assert effective(ecs, principalArn=USER)["containerInsights"] == "enhanced"
    assert effective(ecs, principalArn=ROLE)["containerInsights"] == "enabled"  # the account default
    assert effective(ecs, principalArn=ROLE)["serviceLongArnFormat"] == "disabled"
    assert effective(ecs)["serviceLongArnFormat"] == "enabled"
    assert effective(ecs, principalArn="arn:aws:iam::000000000000:user/nobody") == dict(DEFAULTS, containerInsights="enabled")
    # Explicit view: only what that principal set.
    assert ecs.list_account_settings(principalArn=USER)["settings"] == [
        {"name": "containerInsights", "value": "enhanced", "principalArn": USER}]
    assert ecs.list_account_settings()["settings"] == [
        {"name": "containerInsights", "value": "enabled", "principalArn": ROOT}]
    # The effective view names the principal asked about on every entry (botocore's example).
    pages = ecs.get_paginator("list_account_settings").paginate(effectiveSettings=True, principalArn=ROLE)
    assert {s["principalArn"] for p in pages for s in p["settings"]} == {ROLE}


def test_delete_account_setting(ecs):
    ecs.put_account_setting_default(name="containerInsights", value="enabled")
    ecs.put_account_setting(name="containerInsights", value="enhanced", principalArn=USER)
    removed = ecs.delete_account_setting(name="containerInsights", principalArn=USER)["setting"]
    assert removed == {"name": "containerInsights", "value": "enhanced", "principalArn": USER}
    assert ecs.list_account_settings(principalArn=USER)["settings"] == []
    assert effective(ecs, principalArn=USER)["containerInsights"] == "enabled"
    # The caller's (root's) own setting: back to the built-in default.
    assert ecs.delete_account_setting(name="containerInsights")["setting"] == {
        "name": "containerInsights", "value": "enabled", "principalArn": ROOT}
    assert effective(ecs)["containerInsights"] == "disabled"
    # Deleting what is not set answers with the value in effect and changes nothing.
    assert ecs.delete_account_setting(name="awsvpcTrunking", principalArn=ROLE)["setting"] == {
        "name": "awsvpcTrunking", "value": "disabled", "principalArn": ROLE}
    assert ecs.list_account_settings()["settings"] == []
    with pytest.raises(ClientError) as ei:
        ecs.delete_account_setting(name="fargateTaskRetirementWaitPeriod", principalArn=USER)
    assert error_code(ei) == "InvalidParameterException"
    with pytest.raises(ClientError) as ei:
        ecs.delete_account_setting(name="nope")
    assert error_code(ei) == "InvalidParameterException"


@pytest.mark.parametrize("principal", [
    "arn:aws:iam::111122223333:user/alice",     # another account
    "arn:aws:iam::000000000000:group/admins",   # not a user or role
    "arn:aws:sts::000000000000:assumed-role/r/s",
    "arn:aws:iam::000000000000:user/",
    "alice",
])
def test_invalid_principal_arns(ecs, principal):
    with pytest.raises(ClientError) as ei:
        ecs.put_account_setting(name="awsvpcTrunking", value="enabled", principalArn=principal)
    assert error_code(ei) == "InvalidParameterException"
    for op in (lambda: ecs.list_account_settings(principalArn=principal),
               lambda: ecs.delete_account_setting(name="awsvpcTrunking", principalArn=principal)):
        with pytest.raises(ClientError) as ei:
            op()
        assert error_code(ei) == "InvalidParameterException"


# --------------------------------------------------------------------------- ListAccountSettings filters and paging

def test_list_filters(ecs):
    ecs.put_account_setting(name="containerInsights", value="enhanced")
    ecs.put_account_setting(name="awsvpcTrunking", value="enabled")
    assert [s["name"] for s in ecs.list_account_settings()["settings"]] == ["awsvpcTrunking", "containerInsights"]
    assert ecs.list_account_settings(name="containerInsights")["settings"] == [
        {"name": "containerInsights", "value": "enhanced", "principalArn": ROOT}]
    assert ecs.list_account_settings(name="containerInsights", value="enhanced")["settings"] != []
    assert ecs.list_account_settings(name="containerInsights", value="enabled")["settings"] == []
    assert ecs.list_account_settings(name="taskLongArnFormat")["settings"] == []
    assert ecs.list_account_settings(name="taskLongArnFormat", effectiveSettings=True)["settings"] == [
        {"name": "taskLongArnFormat", "value": "enabled", "principalArn": ROOT}]
    assert ecs.list_account_settings(name="taskLongArnFormat", value="disabled", effectiveSettings=True)["settings"] == []
    with pytest.raises(ClientError) as ei:
        ecs.list_account_settings(value="enabled")
    assert error_code(ei) == "InvalidParameterException"
    assert "name" in error_message(ei)
    with pytest.raises(ClientError) as ei:
        ecs.list_account_settings(name="nope")
    assert error_code(ei) == "InvalidParameterException"


@pytest.mark.parametrize("page_size", [1, 3, 10])
def test_list_paginator(ecs, page_size):
    pages = list(ecs.get_paginator("list_account_settings").paginate(
        effectiveSettings=True, PaginationConfig={"PageSize": page_size}))
    names = [s["name"] for p in pages for s in p["settings"]]
    assert names == sorted(DEFAULTS)
    assert all(0 < len(p["settings"]) <= page_size for p in pages)
    assert "nextToken" not in pages[-1]


def test_list_token_and_page_size_rules(ecs):
    first = ecs.list_account_settings(effectiveSettings=True, maxResults=4)
    token = first["nextToken"]
    assert [s["name"] for s in ecs.list_account_settings(effectiveSettings=True, maxResults=4, nextToken=token)["settings"]] \
        == sorted(DEFAULTS)[4:8]
    for bad in ({"maxResults": 0}, {"maxResults": 11}, {"nextToken": "garbage"},
                {"nextToken": token},                                     # explicit view, effective token
                {"nextToken": token, "effectiveSettings": True, "principalArn": USER},
                {"nextToken": token, "effectiveSettings": True, "name": "awsvpcTrunking"}):
        with pytest.raises(ClientError) as ei:
            ecs.list_account_settings(**bad)
        assert error_code(ei) == "InvalidParameterException", bad


def test_cli(aws):
    out = aws("put-account-setting-default", "--name", "containerInsights", "--value", "enhanced")
    assert out["setting"]["principalArn"] == ROOT
    listed = aws("list-account-settings", "--effective-settings", "--page-size", "3")
    assert {s["name"]: s["value"] for s in listed["settings"]} == dict(DEFAULTS, containerInsights="enhanced")
    assert "nextToken" not in listed and "NextToken" not in listed
    aws("put-account-setting", "--name", "awsvpcTrunking", "--value", "enabled", "--principal-arn", USER)
    assert aws("list-account-settings", "--principal-arn", USER)["settings"] == [
        {"name": "awsvpcTrunking", "value": "enabled", "principalArn": USER}]
    assert aws("delete-account-setting", "--name", "awsvpcTrunking", "--principal-arn", USER)["setting"]["value"] == "enabled"
    p = aws.run("put-account-setting", "--name", "guardDutyActivate", "--value", "on")
    assert p.returncode != 0 and "InvalidParameterException" in p.stderr


# --------------------------------------------------------------------------- effects and scope

def test_create_cluster_container_insights_follows_the_account_setting(ecs):
    def insights(name):
        c = ecs.describe_clusters(clusters=[name], include=["SETTINGS"])["clusters"][0]
        return c["settings"]

    ecs.create_cluster(clusterName="before")
    assert insights("before") == [{"name": "containerInsights", "value": "disabled"}]
    ecs.put_account_setting_default(name="containerInsights", value="enhanced")
    created = ecs.create_cluster(clusterName="after")["cluster"]
    assert created["settings"] == [{"name": "containerInsights", "value": "enhanced"}]
    assert insights("after") == [{"name": "containerInsights", "value": "enhanced"}]
    assert insights("before") == [{"name": "containerInsights", "value": "disabled"}]  # not retroactive
    # An explicit cluster setting wins over the account setting.
    ecs.create_cluster(clusterName="explicit", settings=[{"name": "containerInsights", "value": "disabled"}])
    assert insights("explicit") == [{"name": "containerInsights", "value": "disabled"}]
    ecs.delete_account_setting(name="containerInsights")
    ecs.create_cluster(clusterName="later")
    assert insights("later") == [{"name": "containerInsights", "value": "disabled"}]


def test_settings_are_per_region_and_account(ecs, ecs_for):
    ecs.put_account_setting_default(name="awsvpcTrunking", value="enabled")
    west = ecs_for(region="us-west-2")
    assert west.list_account_settings()["settings"] == []
    assert effective(west)["awsvpcTrunking"] == "disabled"
    other = ecs_for(access_key="111122223333")
    assert effective(other)["awsvpcTrunking"] == "disabled"
    assert other.put_account_setting(name="awsvpcTrunking", value="enabled")["setting"]["principalArn"] == \
        "arn:aws:iam::111122223333:root"
    with pytest.raises(ClientError):
        other.put_account_setting(name="awsvpcTrunking", value="enabled", principalArn=USER)


def test_settings_survive_restart(server):
    ecs = server.client()
    ecs.put_account_setting_default(name="containerInsights", value="enhanced")
    ecs.put_account_setting(name="serviceLongArnFormat", value="disabled", principalArn=USER)
    ecs.put_account_setting(name="awsvpcTrunking", value="enabled", principalArn=ROLE)
    ecs.delete_account_setting(name="awsvpcTrunking", principalArn=ROLE)
    server_client_before = effective(ecs, principalArn=USER)
    server.restart()
    ecs = server.client()
    assert effective(ecs, principalArn=USER) == server_client_before
    assert ecs.list_account_settings()["settings"] == [
        {"name": "containerInsights", "value": "enhanced", "principalArn": ROOT}]
    assert ecs.list_account_settings(principalArn=ROLE)["settings"] == []
    assert ecs.create_cluster(clusterName="x")["cluster"]["settings"] == [{"name": "containerInsights", "value": "enhanced"}]
