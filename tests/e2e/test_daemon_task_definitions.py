"""Daemon task definitions (RegisterDaemonTaskDefinition, DescribeDaemonTaskDefinition,
ListDaemonTaskDefinitions, DeleteDaemonTaskDefinition) with boto3 on the newest botocore model:
revisions per family, the shape and its validation, the ACTIVE -> DELETED lifecycle with the
model's two waiters on their default settings, List's filters, sort and pages (the model has no
paginator for it), tags, and a restart. Every response is checked against the model by the contract hook."""
from __future__ import annotations

import time

import botocore.exceptions
import pytest

from svchelpers import new_model_client

ARN = "arn:aws:ecs:us-east-1:000000000000"
PREFIX = f"{ARN}:daemon-task-definition"

AGENT = {"name": "agent", "image": "public.ecr.aws/datadog/agent:latest", "memory": 256,
         "essential": True,
         "mountPoints": [{"sourceVolume": "proc", "containerPath": "/host/proc", "readOnly": True}],
         "linuxParameters": {"capabilities": {"add": ["SYS_ADMIN"]}, "initProcessEnabled": True},
         "healthCheck": {"command": ["CMD-SHELL", "true"], "interval": 10},
         "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "agents"}},
         "restartPolicy": {"enabled": True, "restartAttemptPeriod": 60}}


@pytest.fixture
def ecs(server):  # noqa: F811 - the newest model's client, which knows the daemon operations
    client = new_model_client(server)
    if client is None or not hasattr(client, "register_daemon_task_definition"):
        pytest.skip("no botocore with the daemon operations on this machine")
    return client


def register(ecs, family="agent", **extra):
    out = ecs.register_daemon_task_definition(
        family=family, containerDefinitions=[AGENT], cpu="256", memory="512",
        volumes=[{"name": "proc", "host": {"sourcePath": "/proc"}}], **extra)
    return out["daemonTaskDefinitionArn"]


def error_of(call, **kw):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        call(**kw)
    return e.value.response["Error"]["Code"], e.value.response["Error"]["Message"]


def test_register_and_describe_round_trip(ecs):
    first = register(ecs, tags=[{"key": "team", "value": "obs"}],
                     taskRoleArn="arn:aws:iam::123456789012:role/agent")
    second = register(ecs)
    assert (first, second) == (f"{PREFIX}/agent:1", f"{PREFIX}/agent:2")
    # A bare family is the latest ACTIVE revision; family:revision and the ARN name one.
    latest = ecs.describe_daemon_task_definition(daemonTaskDefinition="agent")
    assert latest["daemonTaskDefinition"]["daemonTaskDefinitionArn"] == second
    d = ecs.describe_daemon_task_definition(daemonTaskDefinition=first)["daemonTaskDefinition"]
    assert d == ecs.describe_daemon_task_definition(
        daemonTaskDefinition="agent:1")["daemonTaskDefinition"]
    assert (d["family"], d["revision"], d["status"]) == ("agent", 1, "ACTIVE")
    assert (d["cpu"], d["memory"]) == ("256", "512")
    assert d["taskRoleArn"] == "arn:aws:iam::123456789012:role/agent"
    assert d["registeredBy"].startswith("arn:aws:iam::000000000000:")
    assert "deleteRequestedAt" not in d
    assert d["volumes"] == [{"name": "proc", "host": {"sourcePath": "/proc"}}]
    [c] = d["containerDefinitions"]
    assert {k: c[k] for k in AGENT} == AGENT  # every member as sent, plus ECS's defaults
    assert (c["cpu"], c["environment"]) == (0, [])
    tags = ecs.list_tags_for_resource(resourceArn=first)["tags"]
    assert tags == [{"key": "team", "value": "obs"}]
    ecs.tag_resource(resourceArn=second, tags=[{"key": "k", "value": "v"}])
    assert ecs.list_tags_for_resource(resourceArn=second)["tags"] == [{"key": "k", "value": "v"}]


def test_members_of_other_shapes_are_ignored(ecs):
    arn = ecs.register_daemon_task_definition(
        family="plain", containerDefinitions=[{"name": "a", "image": "busybox",
                                               "memoryReservation": 64}])["daemonTaskDefinitionArn"]
    d = ecs.describe_daemon_task_definition(daemonTaskDefinition=arn)["daemonTaskDefinition"]
    assert d["volumes"] == [] and "cpu" not in d and "memory" not in d
    assert "portMappings" not in d["containerDefinitions"][0]


@pytest.mark.parametrize("kw, code, part", [
    ({"family": "x", "containerDefinitions": []}, "ClientException", "Container list cannot be empty"),
    ({"family": "bad name", "containerDefinitions": [{"name": "a", "image": "i", "memory": 8}]},
     "ClientException", "Invalid family"),
    ({"family": "x", "containerDefinitions": [{"name": "a", "image": "i"}]},
     "ClientException", "memoryReservation"),
    ({"family": "x", "cpu": "nope", "containerDefinitions": [{"name": "a", "image": "i", "memory": 8}]},
     "ClientException", "Invalid 'cpu' setting"),
    ({"family": "x", "containerDefinitions": [{"name": "a", "image": "i", "memory": 8,
                                               "dependsOn": [{"containerName": "ghost",
                                                              "condition": "START"}]}]},
     "ClientException", "'ghost'"),
    ({"family": "x", "containerDefinitions": [{"name": "a", "image": "i", "memory": 8}],
      "tags": [{"key": "aws:reserved", "value": "v"}]}, "InvalidParameterException", "aws:"),
])
def test_validation_errors_change_nothing(ecs, kw, code, part):
    got_code, message = error_of(ecs.register_daemon_task_definition, **kw)
    assert got_code == code and part in message, message
    assert ecs.list_daemon_task_definitions(status="ALL")["daemonTaskDefinitions"] == []


def test_delete_reaches_deleted_and_the_waiters_answer_at_once(ecs):
    arn = register(ecs)
    started = time.monotonic()
    ecs.get_waiter("daemon_task_definition_active").wait(daemonTaskDefinition=arn)
    out = ecs.delete_daemon_task_definition(daemonTaskDefinition="agent:1")
    assert out["daemonTaskDefinitionArn"] == arn
    # No daemon runs it: DELETED in the same request, so the default waiter's first poll succeeds.
    ecs.get_waiter("daemon_task_definition_deleted").wait(daemonTaskDefinition=arn)
    assert time.monotonic() - started < 5
    d = ecs.describe_daemon_task_definition(daemonTaskDefinition=arn)["daemonTaskDefinition"]
    assert d["status"] == "DELETED" and d["deleteRequestedAt"] >= d["registeredAt"]
    # The waiter for ACTIVE now fails at once (DELETED is its failure state).
    with pytest.raises(botocore.exceptions.WaiterError):
        ecs.get_waiter("daemon_task_definition_active").wait(daemonTaskDefinition=arn)
    # Only an ACTIVE revision can be deleted; a bare family names no revision.
    assert error_of(ecs.delete_daemon_task_definition, daemonTaskDefinition=arn)[0] == \
        "ClientException"
    assert error_of(ecs.delete_daemon_task_definition, daemonTaskDefinition="agent") == \
        ("ClientException", "Revision is missing.")
    # The family has no ACTIVE revision left; the next one is 2, never 1 again.
    assert error_of(ecs.describe_daemon_task_definition, daemonTaskDefinition="agent")[0] == \
        "ClientException"
    assert register(ecs) == f"{PREFIX}/agent:2"
    # Tags cannot be put on a deleted definition.
    assert error_of(ecs.tag_resource, resourceArn=arn, tags=[{"key": "k", "value": "v"}])[0] == \
        "ResourceNotFoundException"


def test_unknown_and_foreign_identifiers(ecs):
    assert error_of(ecs.describe_daemon_task_definition, daemonTaskDefinition="nope:1")[0] == \
        "ClientException"
    code, message = error_of(ecs.describe_daemon_task_definition,
                             daemonTaskDefinition=f"{ARN}:task-definition/agent:1")
    assert code == "InvalidParameterException" and "task-definition" in message, message
    code, _ = error_of(ecs.delete_daemon_task_definition,
                       daemonTaskDefinition="arn:aws:ecs:us-east-1:999999999999:"
                                            "daemon-task-definition/agent:1")
    assert code == "InvalidParameterException"


def test_list_filters_sort_and_paginator(ecs):
    for family in ("beta", "alpha", "alpha-two"):
        register(ecs, family=family)
        register(ecs, family=family)
    ecs.delete_daemon_task_definition(daemonTaskDefinition="beta:2")

    def arns(**kw):
        out = ecs.list_daemon_task_definitions(**kw)["daemonTaskDefinitions"]
        return [s["arn"].split("/")[1] for s in out]

    assert arns() == ["alpha:1", "alpha:2", "alpha-two:1", "alpha-two:2", "beta:1"]
    assert arns(sort="DESC") == ["beta:1", "alpha-two:2", "alpha-two:1", "alpha:2", "alpha:1"]
    assert arns(familyPrefix="alpha") == ["alpha:1", "alpha:2", "alpha-two:1", "alpha-two:2"]
    assert arns(family="alpha") == ["alpha:1", "alpha:2"]
    assert arns(revision="LAST_REGISTERED") == ["alpha:2", "alpha-two:2"]  # beta:2 is DELETED
    assert arns(revision="LAST_REGISTERED", status="ALL") == ["alpha:2", "alpha-two:2", "beta:2"]
    assert arns(status="ALL", family="beta") == ["beta:1", "beta:2"]
    assert arns(status="DELETE_IN_PROGRESS") == []
    summary = ecs.list_daemon_task_definitions(family="beta", status="ALL")[
        "daemonTaskDefinitions"][1]
    assert summary["status"] == "DELETED" and "deleteRequestedAt" in summary
    # Pages of 2, in the same order (botocore 1.43 has no paginator for this operation).
    assert not ecs.can_paginate("list_daemon_task_definitions")
    pages, token = [], None
    while True:
        kw = {"nextToken": token} if token else {}
        page = ecs.list_daemon_task_definitions(status="ALL", sort="DESC", maxResults=2, **kw)
        pages.append(page)
        token = page.get("nextToken")
        if not token:
            break
    assert [len(p["daemonTaskDefinitions"]) for p in pages] == [2, 2, 2]
    assert [s["arn"].split("/")[1] for p in pages for s in p["daemonTaskDefinitions"]] == [
        "beta:2", "beta:1", "alpha-two:2", "alpha-two:1", "alpha:2", "alpha:1"]
    code, _ = error_of(ecs.list_daemon_task_definitions, maxResults=101)
    assert code == "InvalidParameterException"
    token = ecs.list_daemon_task_definitions(maxResults=1)["nextToken"]
    code, _ = error_of(ecs.list_daemon_task_definitions, nextToken=token, sort="DESC")
    assert code == "InvalidParameterException"  # a token is bound to its filters


def test_restart_keeps_revisions_statuses_and_tags(server, ecs):
    register(ecs)
    register(ecs, tags=[{"key": "team", "value": "obs"}])
    ecs.delete_daemon_task_definition(daemonTaskDefinition="agent:1")
    before = ecs.list_daemon_task_definitions(status="ALL")["daemonTaskDefinitions"]
    server.restart()
    after_client = new_model_client(server)
    assert after_client.list_daemon_task_definitions(status="ALL")["daemonTaskDefinitions"] == \
        before
    assert after_client.list_tags_for_resource(resourceArn=f"{PREFIX}/agent:2")["tags"] == [
        {"key": "team", "value": "obs"}]
    assert after_client.register_daemon_task_definition(
        family="agent", containerDefinitions=[AGENT],
        volumes=[{"name": "proc", "host": {}}])["daemonTaskDefinitionArn"] == f"{PREFIX}/agent:3"
