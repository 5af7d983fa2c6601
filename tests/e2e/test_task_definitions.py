"""Task definitions end to end: RegisterTaskDefinition, DescribeTaskDefinition,
ListTaskDefinitions, ListTaskDefinitionFamilies, DeregisterTaskDefinition, DeleteTaskDefinitions
(boto3, the AWS CLI v2 and raw wire requests).

The boto3 and CLI on this machine predate some members (restartPolicy, versionConsistency,
credentialSpecs, s3files volumes, enableFaultInjection, ...): the full round trip goes over the
wire with `raw` (whose answers are still checked against the newest botocore model), and the
boto3/CLI round trips use the members their own model knows (`known_to_client`)."""
import copy
import json
import threading
from pathlib import Path

import botocore
import botocore.session
import pytest
from botocore.exceptions import ClientError

from conftest import error_code, error_message
from taskhelpers import clock, fleet, wait_status

ACCOUNT = "000000000000"
TD_ARN = "arn:aws:ecs:us-east-1:000000000000:task-definition/"
ROOT = "arn:aws:iam::000000000000:root"

# A realistic two-container EC2 definition using every member family of the current model.
FULL = {
    "family": "web-full",
    "taskRoleArn": "arn:aws:iam::000000000000:role/web-task",
    "executionRoleArn": "arn:aws:iam::000000000000:role/ecsTaskExecutionRole",
    "networkMode": "bridge",
    "containerDefinitions": [
        {
            "name": "app",
            "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4.2",
            "repositoryCredentials": {"credentialsParameter": "arn:aws:secretsmanager:us-east-1:000000000000:secret:reg"},
            "cpu": 512,
            "memory": 1024,
            "memoryReservation": 512,
            "links": ["proxy:edge"],
            "portMappings": [
                {"containerPort": 8080, "hostPort": 0, "protocol": "tcp", "name": "http", "appProtocol": "http"},
                {"containerPort": 8443},
                {"containerPortRange": "9000-9010", "protocol": "udp"},
            ],
            "essential": True,
            "restartPolicy": {"enabled": True, "ignoredExitCodes": [0, 143], "restartAttemptPeriod": 300},
            "entryPoint": ["/bin/sh", "-c"],
            "command": ["exec /srv/web --port 8080"],
            "environment": [{"name": "LOG_LEVEL", "value": "info"}, {"name": "EMPTY", "value": ""}],
            "environmentFiles": [{"value": "arn:aws:s3:::config-bucket/web.env", "type": "s3"}],
            "mountPoints": [
                {"sourceVolume": "data", "containerPath": "/var/data", "readOnly": False},
                {"sourceVolume": "efs", "containerPath": "/mnt/efs", "readOnly": True},
            ],
            "volumesFrom": [{"sourceContainer": "proxy", "readOnly": True}],
            "linuxParameters": {
                "capabilities": {"add": ["SYS_PTRACE", "NET_ADMIN"], "drop": ["MKNOD"]},
                "devices": [{"hostPath": "/dev/fuse", "containerPath": "/dev/fuse", "permissions": ["read", "write", "mknod"]}],
                "initProcessEnabled": True,
                "sharedMemorySize": 128,
                "tmpfs": [{"containerPath": "/run", "size": 64, "mountOptions": ["rw", "noexec"]}],
                "maxSwap": 1024,
                "swappiness": 60,
            },
            "secrets": [
                {"name": "DB_PASSWORD", "valueFrom": "arn:aws:secretsmanager:us-east-1:000000000000:secret:db-AbCdEf"},
                {"name": "API_KEY", "valueFrom": "arn:aws:ssm:us-east-1:000000000000:parameter/web/api-key"},
            ],
            "dependsOn": [{"containerName": "proxy", "condition": "HEALTHY"}],
            "startTimeout": 120,
            "stopTimeout": 30,
            "versionConsistency": "disabled",
            "hostname": "web",
            "user": "1000:1000",
            "workingDirectory": "/srv",
            "disableNetworking": False,
            "privileged": False,
            "readonlyRootFilesystem": True,
            "dnsServers": ["10.0.0.2"],
            "dnsSearchDomains": ["corp.internal"],
            "extraHosts": [{"hostname": "db.local", "ipAddress": "10.0.3.4"}],
            "dockerSecurityOptions": ["no-new-privileges"],
            "interactive": False,
            "pseudoTerminal": False,
            "dockerLabels": {"com.example.team": "web", "tier": "frontend"},
            "ulimits": [{"name": "nofile", "softLimit": 65536, "hardLimit": 65536}, {"name": "core", "softLimit": 0, "hardLimit": 0}],
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": {"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "app", "mode": "non-blocking"},
                "secretOptions": [{"name": "token", "valueFrom": "arn:aws:ssm:us-east-1:000000000000:parameter/log-token"}],
            },
            "healthCheck": {"command": ["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"],
                            "interval": 30, "timeout": 5, "retries": 3, "startPeriod": 60},
            "systemControls": [{"namespace": "net.core.somaxconn", "value": "4096"}],
            "resourceRequirements": [{"value": "1", "type": "GPU"}],
            "credentialSpecs": ["credentialspecdomainless:arn:aws:s3:::creds/web.json"],
        },
        {
            "name": "proxy",
            "image": "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable",
            "memory": 256,
            "essential": False,
            "portMappings": [{"containerPort": 443, "hostPort": 443}],
            "healthCheck": {"command": ["CMD", "true"]},
            "firelensConfiguration": {"type": "fluentbit", "options": {"enable-ecs-log-metadata": "true"}},
            "resourceRequirements": [{"value": "eia-1", "type": "InferenceAccelerator"}],
        },
    ],
    "volumes": [
        {"name": "data", "host": {"sourcePath": "/ecs/data"}},
        {"name": "scratch"},
        {"name": "docker", "dockerVolumeConfiguration": {"scope": "shared", "autoprovision": True, "driver": "rexray/ebs",
                                                        "driverOpts": {"volumetype": "gp3", "size": "5"}, "labels": {"app": "web"}}},
        {"name": "efs", "efsVolumeConfiguration": {"fileSystemId": "fs-0123abcd", "rootDirectory": "/web", "transitEncryption": "ENABLED",
                                                  "transitEncryptionPort": 2049,
                                                  "authorizationConfig": {"accessPointId": "fsap-0123abcd", "iam": "ENABLED"}}},
        {"name": "s3files", "s3filesVolumeConfiguration": {"fileSystemArn": "arn:aws:s3files:us-east-1:000000000000:file-system/fs-1",
                                                          "rootDirectory": "/", "transitEncryptionPort": 2999}},
        {"name": "fsx", "fsxWindowsFileServerVolumeConfiguration": {
            "fileSystemId": "fs-0fedcba9", "rootDirectory": "share",
            "authorizationConfig": {"credentialsParameter": "arn:aws:secretsmanager:us-east-1:000000000000:secret:fsx", "domain": "corp.example.com"}}},
        {"name": "later", "configuredAtLaunch": True},
    ],
    "placementConstraints": [{"type": "memberOf", "expression": "attribute:ecs.instance-type =~ g4dn.*"}],
    "requiresCompatibilities": ["EC2"],
    "cpu": "1024",
    "memory": "2048",
    "tags": [{"key": "team", "value": "web"}, {"key": "cost-center", "value": "cc-42"}],
    "pidMode": "task",
    "ipcMode": "task",
    "inferenceAccelerators": [{"deviceName": "eia-1", "deviceType": "eia2.medium"}],
    "ephemeralStorage": {"sizeInGiB": 30},
    "runtimePlatform": {"cpuArchitecture": "X86_64", "operatingSystemFamily": "LINUX"},
    "enableFaultInjection": True,
}

FARGATE = {
    "family": "api",
    "networkMode": "awsvpc",
    "requiresCompatibilities": ["FARGATE"],
    "cpu": "512",
    "memory": "1024",
    "executionRoleArn": "arn:aws:iam::000000000000:role/ecsTaskExecutionRole",
    "containerDefinitions": [{
        "name": "api", "image": "nginx:1.25",
        "portMappings": [{"containerPort": 8080}, {"containerPort": 9090, "hostPort": 9090, "protocol": "udp"}],
        "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/api", "awslogs-region": "us-east-1",
                                                                 "awslogs-stream-prefix": "api"}},
    }],
    "runtimePlatform": {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"},
    "ephemeralStorage": {"sizeInGiB": 21},
}

TASK_MEMBERS = ["family", "taskRoleArn", "executionRoleArn", "networkMode", "volumes", "placementConstraints",
                "requiresCompatibilities", "cpu", "memory", "pidMode", "ipcMode", "proxyConfiguration",
                "inferenceAccelerators", "ephemeralStorage", "runtimePlatform", "enableFaultInjection"]


def compact(value):
    return json.dumps(value, separators=(",", ":"))


def expected_container(sent, network_mode="bridge"):
    """What ECS shows for a container it was sent: the members as sent, in order, then the
    defaults it fills in (docs/resources.md §4)."""
    out = copy.deepcopy(sent)
    if "portMappings" in out:
        mappings = []
        for pm in out["portMappings"]:
            pm = dict(pm)
            if network_mode in ("awsvpc", "host") and "hostPort" not in pm and "containerPort" in pm:
                pm["hostPort"] = pm["containerPort"]
            pm.setdefault("protocol", "tcp")
            mappings.append(pm)
        out["portMappings"] = mappings
    out.setdefault("cpu", 0)
    out.setdefault("portMappings", [])
    out.setdefault("essential", True)
    for key in ("environment", "mountPoints", "volumesFrom"):
        out.setdefault(key, [])
    return out


@pytest.fixture
def delete_tds(raw):
    """DeleteTaskDefinitions is newer than this machine's boto3 and CLI: it goes over the wire
    (the answer is still checked against the newest model). Returns the parsed answer, or
    (error type, message) when the status is not 200."""

    def call(ids):
        status, _, data = raw("DeleteTaskDefinitions", {"taskDefinitions": ids})
        obj = json.loads(data)
        if status != 200:
            return obj["__type"].split("#")[-1], obj.get("message")
        return obj

    return call


def register_raw(raw, body):
    status, _, data = raw("RegisterTaskDefinition", body)
    assert status == 200, data
    return data, json.loads(data)


def call_raw(raw, op, body, expect=200):
    status, _, data = raw(op, body)
    assert status == expect, data
    return json.loads(data)


def raw_error(raw, op, body):
    status, _, data = raw(op, body)
    assert status == 400, data
    obj = json.loads(data)
    return obj["__type"].split("#")[-1], obj.get("message", obj.get("Message"))


def assert_echo(data, td, sent):
    """`data` is the raw response; `td` its parsed taskDefinition; `sent` the request."""
    mode = sent.get("networkMode", "bridge")
    containers = [expected_container(c, mode) for c in sent["containerDefinitions"]]
    # Byte for byte: the containers exactly as sent plus the defaults, in the client's order.
    assert b'"containerDefinitions":' + compact(containers).encode() in data
    assert td["containerDefinitions"] == containers
    for key in TASK_MEMBERS:
        if key in sent:
            assert td[key] == sent[key], key
            assert f'"{key}":{compact(sent[key])}'.encode() in data, key
    assert "tags" not in td


# --------------------------------------------------------------------------- the model the client knows

_OLD_MODEL = None


def client_model():
    global _OLD_MODEL
    if _OLD_MODEL is None:
        _OLD_MODEL = botocore.session.get_session().get_service_model("ecs")
    return _OLD_MODEL


def strip_to_shape(value, shape):
    if shape.type_name == "structure":
        return {k: strip_to_shape(v, shape.members[k]) for k, v in value.items() if k in shape.members}
    if shape.type_name == "list":
        return [strip_to_shape(v, shape.member) for v in value]
    return value


def known_to_client(request, operation="RegisterTaskDefinition"):
    """The request without the members this machine's boto3/CLI model does not have yet (and
    without port mappings that are nothing but a port range once stripped)."""
    out = strip_to_shape(request, client_model().operation_model(operation).input_shape)
    for c in out.get("containerDefinitions", []):
        if "portMappings" in c:
            c["portMappings"] = [pm for pm in c["portMappings"] if "containerPort" in pm]
    return out


# --------------------------------------------------------------------------- RegisterTaskDefinition

def test_full_definition_round_trips_byte_for_byte(server, raw):
    before = clock(server)["now"]
    data, out = register_raw(raw, FULL)
    td = out["taskDefinition"]
    assert_echo(data, td, FULL)
    assert td["taskDefinitionArn"] == TD_ARN + "web-full:1"
    assert td["revision"] == 1
    assert td["status"] == "ACTIVE"
    assert td["registeredBy"] == ROOT
    assert before <= td["registeredAt"] <= clock(server)["now"]  # the emulator's (simulated) clock
    assert "deregisteredAt" not in td and "deleteRequestedAt" not in td
    assert td["compatibilities"] == ["EXTERNAL", "EC2"]
    needs = {a["name"] for a in td["requiresAttributes"]}
    for capability in ("com.amazonaws.ecs.capability.ecr-auth", "ecs.capability.execution-role-ecr-pull",
                       "com.amazonaws.ecs.capability.logging-driver.awslogs", "ecs.capability.execution-role-awslogs",
                       "ecs.capability.container-health-check", "com.amazonaws.ecs.capability.task-iam-role",
                       "ecs.capability.secrets.asm.environment-variables", "ecs.capability.secrets.ssm.environment-variables",
                       "ecs.capability.container-ordering", "ecs.capability.env-files.s3", "ecs.capability.firelens.fluentbit",
                       "ecs.capability.efs", "ecs.capability.efsAuth",
                       "ecs.capability.pid-ipc-namespace-sharing", "ecs.capability.docker-plugin.rexray/ebs",
                       "ecs.capability.container-port-range"):
        assert capability in needs, capability
    assert out["tags"] == FULL["tags"]

    # DescribeTaskDefinition answers with the very same object, whichever way it is named.
    registered = data[data.index(b'"taskDefinition":') + len(b'"taskDefinition":'):data.rindex(b',"tags":')]
    for ident in ("web-full", "web-full:1", TD_ARN + "web-full:1"):
        status, _, described = raw("DescribeTaskDefinition", {"taskDefinition": ident})
        assert status == 200, described
        assert described == b'{"taskDefinition":' + registered + b"}"


def test_fargate_definition_fills_host_ports_and_is_fargate_compatible(raw):
    data, out = register_raw(raw, FARGATE)
    td = out["taskDefinition"]
    assert_echo(data, td, FARGATE)
    assert td["containerDefinitions"][0]["portMappings"] == [
        {"containerPort": 8080, "hostPort": 8080, "protocol": "tcp"},
        {"containerPort": 9090, "hostPort": 9090, "protocol": "udp"},
    ]
    assert td["compatibilities"] == ["EC2", "FARGATE"]
    assert {"name": "ecs.capability.task-eni"} in td["requiresAttributes"]
    assert out["tags"] == []


def test_minimal_definition_gets_ecs_defaults_and_omits_what_was_not_sent(raw):
    data, out = register_raw(raw, {"family": "tiny", "containerDefinitions": [
        {"name": "c", "image": "busybox", "memory": 64}]})
    td = out["taskDefinition"]
    assert td["containerDefinitions"] == [{"name": "c", "image": "busybox", "memory": 64, "cpu": 0, "portMappings": [],
                                           "essential": True, "environment": [], "mountPoints": [], "volumesFrom": []}]
    assert td["volumes"] == [] and td["placementConstraints"] == []
    assert td["compatibilities"] == ["EXTERNAL", "EC2"]
    for absent in ("networkMode", "requiresCompatibilities", "cpu", "memory", "taskRoleArn", "executionRoleArn",
                   "pidMode", "ipcMode", "runtimePlatform", "requiresAttributes", "enableFaultInjection"):
        assert absent not in td, absent
    # The members are written in the order AWS writes them.
    keys = list(td)
    assert keys == ["taskDefinitionArn", "containerDefinitions", "family", "revision", "volumes", "status",
                    "placementConstraints", "compatibilities", "registeredAt", "registeredBy"]


def test_unknown_members_are_ignored_and_never_echoed(raw):
    body = {"family": "extra", "futureMember": {"a": 1},
            "containerDefinitions": [{"name": "c", "image": "busybox", "memory": 64, "notAMember": True}]}
    data, out = register_raw(raw, body)
    assert b"futureMember" not in data and b"notAMember" not in data


def test_boto3_round_trip_with_include_tags(ecs):
    sent = known_to_client(FULL)
    assert "enableFaultInjection" not in sent  # this client's model is older than the member
    out = ecs.register_task_definition(**sent)
    td = out["taskDefinition"]
    # What real clients compare after a write: the strings and lists come back as sent.
    assert td["requiresCompatibilities"] == ["EC2"]
    assert td["cpu"] == "1024" and td["memory"] == "2048"
    for key in TASK_MEMBERS:
        if key in sent:
            assert td[key] == sent[key], key
    for got, want in zip(td["containerDefinitions"], sent["containerDefinitions"]):
        exp = expected_container(want)
        assert {k: got[k] for k in want} == {k: exp[k] for k in want}
    assert out["tags"] == sent["tags"]

    plain = ecs.describe_task_definition(taskDefinition="web-full")
    assert "tags" not in plain and "tags" not in plain["taskDefinition"]
    tagged = ecs.describe_task_definition(taskDefinition="web-full:1", include=["TAGS"])
    assert tagged["tags"] == sent["tags"]  # top level, next to taskDefinition
    assert "tags" not in tagged["taskDefinition"]
    assert tagged["taskDefinition"] == plain["taskDefinition"] == td


def test_cli_round_trip(aws, delete_tds):
    sent = known_to_client(FULL)
    out = aws("register-task-definition", "--cli-input-json", json.dumps(sent))
    td = out["taskDefinition"]
    assert td["taskDefinitionArn"] == TD_ARN + "web-full:1"
    for key in TASK_MEMBERS:
        if key in sent:
            assert td[key] == sent[key], key
    assert td["containerDefinitions"] == [expected_container(c) for c in sent["containerDefinitions"]]
    described = aws("describe-task-definition", "--task-definition", "web-full:1", "--include", "TAGS")
    assert described["taskDefinition"] == td
    assert described["tags"] == sent["tags"]
    aws("deregister-task-definition", "--task-definition", "web-full:1")
    deleted = delete_tds(["web-full:1"])
    assert [d["status"] for d in deleted["taskDefinitions"]] == ["DELETE_IN_PROGRESS"]
    assert deleted["failures"] == []


@pytest.mark.parametrize("cpu,memory,want_cpu,want_memory", [
    ("256", "512", "256", "512"),
    ("1 vCPU", "2 GB", "1024", "2048"),
    ("1vcpu", "2GB", "1024", "2048"),
    (".5 vCPU", "1gb", "512", "1024"),
    ("4 VCPU", "30GB", "4096", "30720"),
])
def test_task_size_strings(ecs, cpu, memory, want_cpu, want_memory):
    td = ecs.register_task_definition(
        family="sized", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu=cpu, memory=memory,
        containerDefinitions=[{"name": "c", "image": "nginx"}])["taskDefinition"]
    assert (td["cpu"], td["memory"]) == (want_cpu, want_memory)
    assert td["requiresCompatibilities"] == ["FARGATE"]
    assert td["compatibilities"] == ["EC2", "FARGATE"]


# --------------------------------------------------------------------------- botocore's own examples

def botocore_examples():
    path = Path(botocore.__file__).parent / "data" / "ecs" / "2014-11-13" / "examples-1.json"
    if not path.exists():
        pytest.skip(f"no examples at {path}")
    return json.loads(path.read_text())["examples"]


def fix_account(value):
    return json.loads(json.dumps(value).replace("<aws_account_id>", ACCOUNT))


def test_example_register_task_definition(ecs, raw):
    example = botocore_examples()["RegisterTaskDefinition"][0]
    assert example["input"]["taskRoleArn"] == ""  # treated as "no role"
    want = fix_account(example["output"])["taskDefinition"]
    data, out = register_raw(raw, example["input"])
    td = out["taskDefinition"]
    assert td["containerDefinitions"] == want["containerDefinitions"]
    assert td["family"] == want["family"] and td["volumes"] == want["volumes"]
    assert td["revision"] == 1 and td["taskDefinitionArn"] == TD_ARN + "sleep360:1"
    assert "taskRoleArn" not in td
    # and through boto3 (its parameter validation included)
    td2 = ecs.register_task_definition(**example["input"])["taskDefinition"]
    assert td2["revision"] == 2 and td2["containerDefinitions"] == want["containerDefinitions"]


def test_example_describe_task_definition(ecs):
    example = botocore_examples()["DescribeTaskDefinition"][0]
    want = fix_account(example["output"])["taskDefinition"]
    # Rebuild the request behind the example output (the ECS defaults removed again).
    containers = []
    for c in want["containerDefinitions"]:
        c = {k: v for k, v in c.items() if v != []}
        c["portMappings"] = [{k: v for k, v in pm.items()} for pm in want["containerDefinitions"][len(containers)]["portMappings"]]
        containers.append(c)
    for _ in range(want["revision"]):
        ecs.register_task_definition(family=want["family"], containerDefinitions=containers)
    got = ecs.describe_task_definition(**example["input"])["taskDefinition"]
    assert got["taskDefinitionArn"] == want["taskDefinitionArn"]
    assert got["revision"] == want["revision"]
    for g, w in zip(got["containerDefinitions"], want["containerDefinitions"]):
        w = dict(w)
        w["portMappings"] = [dict(pm, protocol="tcp") for pm in w["portMappings"]]
        assert g == w


def test_example_list_task_definitions_and_families(ecs):
    examples = botocore_examples()
    c = [{"name": "c", "image": "busybox", "memory": 32}]
    for family, count in (("sleep300", 2), ("sleep360", 1), ("wordpress", 6)):
        for _ in range(count):
            ecs.register_task_definition(family=family, containerDefinitions=c)
    for ident in ("sleep300:1", "wordpress:1", "wordpress:2"):
        ecs.deregister_task_definition(taskDefinition=ident)
    for example in examples["ListTaskDefinitions"]:
        assert ecs.list_task_definitions(**example["input"])["taskDefinitionArns"] == \
            fix_account(example["output"])["taskDefinitionArns"]

    for family in ("node-js-app", "web-timer", "hpcc", "hpcc-c4-8xlarge"):
        ecs.register_task_definition(family=family, containerDefinitions=c)
    all_example, prefix_example = examples["ListTaskDefinitionFamilies"]
    families = ecs.list_task_definition_families(**all_example["input"])["families"]
    assert set(all_example["output"]["families"]) <= set(families)
    assert families == sorted(families)
    assert ecs.list_task_definition_families(**prefix_example["input"])["families"] == \
        prefix_example["output"]["families"]


# --------------------------------------------------------------------------- revisions

def test_concurrent_registrations_get_revisions_1_to_400(server):
    clients = [server.client() for _ in range(8)]
    got, errors = [], []
    lock = threading.Lock()

    def worker(client):
        try:
            for _ in range(50):
                td = client.register_task_definition(
                    family="busy", containerDefinitions=[{"name": "c", "image": "busybox", "memory": 16}])
                with lock:
                    got.append(td["taskDefinition"]["revision"])
        except Exception as e:  # noqa: BLE001 - surfaced below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(got) == list(range(1, 401))
    ecs = clients[0]
    arns = [a for p in ecs.get_paginator("list_task_definitions").paginate(familyPrefix="busy")
            for a in p["taskDefinitionArns"]]
    assert arns == [f"{TD_ARN}busy:{n}" for n in range(1, 401)]


def test_revisions_are_never_reused(ecs, delete_tds):
    c = [{"name": "c", "image": "busybox", "memory": 16}]
    for _ in range(3):
        ecs.register_task_definition(family="once", containerDefinitions=c)
    for rev in (1, 2, 3):
        ecs.deregister_task_definition(taskDefinition=f"once:{rev}")
    out = delete_tds(["once:1", "once:2", "once:3"])
    assert out["failures"] == []
    assert "once" not in ecs.list_task_definition_families()["families"]
    assert ecs.register_task_definition(family="once", containerDefinitions=c)["taskDefinition"]["revision"] == 4
    # Revisions count per family, account and region.
    assert ecs.register_task_definition(family="other", containerDefinitions=c)["taskDefinition"]["revision"] == 1


def test_revisions_are_per_region_and_account(ecs, ecs_for):
    c = [{"name": "c", "image": "busybox", "memory": 16}]
    ecs.register_task_definition(family="tenant", containerDefinitions=c)
    ecs.register_task_definition(family="tenant", containerDefinitions=c)
    west = ecs_for(region="us-west-2").register_task_definition(family="tenant", containerDefinitions=c)
    assert west["taskDefinition"]["taskDefinitionArn"] == \
        "arn:aws:ecs:us-west-2:000000000000:task-definition/tenant:1"
    other = ecs_for(access_key="111122223333").register_task_definition(family="tenant", containerDefinitions=c)
    assert other["taskDefinition"]["taskDefinitionArn"] == \
        "arn:aws:ecs:us-east-1:111122223333:task-definition/tenant:1"
    assert other["taskDefinition"]["registeredBy"] == "arn:aws:iam::111122223333:root"
    with pytest.raises(ClientError) as ei:
        ecs_for(region="us-west-2").describe_task_definition(taskDefinition="tenant:2")
    assert error_code(ei) == "ClientException"


# --------------------------------------------------------------------------- validation errors

def c(**extra):
    return {"name": "app", "image": "nginx", "memory": 128, **extra}


def td(**extra):
    return {"family": "bad", "containerDefinitions": [c()], **extra}


FARGATE_BASE = {"family": "fg", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256",
                "memory": "512", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 128}]}


def fg(**extra):
    return {**FARGATE_BASE, **extra}


ERROR_CASES = [
    # (id, request, error type, substring the message must contain)
    ("no-family", {"containerDefinitions": [c()]}, "ClientException", "Family should not be null or empty."),
    ("bad-family-chars", td(family="web.app"), "ClientException", "'web.app'"),
    ("family-256", td(family="f" * 256), "ClientException", "Invalid family"),
    ("no-containers", td(containerDefinitions=[]), "ClientException", "Container list cannot be empty."),
    ("11-containers", td(containerDefinitions=[c(name=f"c{i}") for i in range(11)]), "ClientException", "at most 10"),
    ("duplicate-names", td(containerDefinitions=[c(), c()]), "ClientException", "Duplicate container name 'app'"),
    ("bad-container-name", td(containerDefinitions=[c(name="a b")]), "ClientException", "'a b'"),
    ("no-image", td(containerDefinitions=[{"name": "app", "memory": 128}]), "ClientException",
     "Container.image should not be null or empty."),
    ("no-memory", td(containerDefinitions=[{"name": "app", "image": "nginx"}]), "ClientException",
     "Invalid setting for container 'app'. At least one of 'memory' or 'memoryReservation' must be specified."),
    ("memory-below-reservation", td(containerDefinitions=[c(memory=128, memoryReservation=256)]), "ClientException",
     "'memory' must be greater than 'memoryReservation'"),
    ("container-memory-over-task", td(memory="256", containerDefinitions=[c(memory=512)]), "ClientException",
     "must not exceed the task 'memory'"),
    ("containers-reserve-more-than-task", td(memory="256", containerDefinitions=[c(name="a", memory=200), c(name="b", memory=200)]),
     "ClientException", "the containers reserve 400 MiB"),
    ("no-essential", td(containerDefinitions=[c(essential=False)]), "ClientException", "essential"),
    ("bad-network-mode", td(networkMode="nat"), "ClientException", "networkMode"),
    ("none-with-ports", td(networkMode="none", containerDefinitions=[c(portMappings=[{"containerPort": 80}])]),
     "ClientException", "networkMode=none"),
    ("awsvpc-host-port", td(networkMode="awsvpc", containerDefinitions=[c(portMappings=[{"containerPort": 80, "hostPort": 81}])]),
     "ClientException", "When networkMode=awsvpc, the host ports and container ports in port mappings must match."),
    ("host-host-port", td(networkMode="host", containerDefinitions=[c(portMappings=[{"containerPort": 80, "hostPort": 8080}])]),
     "ClientException", "When networkMode=host"),
    ("port-out-of-range", td(containerDefinitions=[c(portMappings=[{"containerPort": 70000}])]), "ClientException",
     "'containerPort' 70000"),
    ("links-awsvpc", td(networkMode="awsvpc", containerDefinitions=[c(name="a", links=["b"]), c(name="b")]),
     "ClientException", "'links'"),
    ("bad-protocol", td(containerDefinitions=[c(portMappings=[{"containerPort": 80, "protocol": "sctp"}])]),
     "ClientException", "containerDefinitions[0].portMappings[0].protocol"),
    ("fargate-bridge", fg(networkMode="bridge"), "ClientException", "Fargate only supports network mode"),
    ("fargate-no-cpu", {k: v for k, v in FARGATE_BASE.items() if k != "cpu"}, "ClientException",
     "Fargate requires that 'cpu' be defined at the task level."),
    ("fargate-no-memory", {k: v for k, v in FARGATE_BASE.items() if k != "memory"}, "ClientException",
     "Fargate requires that 'memory' be defined at the task level."),
    ("fargate-bad-pair", fg(cpu="256", memory="4096"), "ClientException", "No Fargate configuration exists for given values: 256 CPU, 4096 memory"),
    ("fargate-host-volume", fg(volumes=[{"name": "v", "host": {"sourcePath": "/data"}}]), "ClientException", "host path volumes"),
    ("fargate-placement", fg(placementConstraints=[{"type": "memberOf", "expression": "attribute:a == b"}]),
     "ClientException", "placementConstraints"),
    # AWS's text (issue 11).
    ("fargate-pid-host", fg(pidMode="host"), "ClientException",
     "Tasks using the Fargate launch type do not support pidMode 'host'. The supported value for pidMode is 'task'."),
    ("appmesh-outside-awsvpc", td(proxyConfiguration={"type": "APPMESH", "containerName": "app"}), "ClientException",
     "APPMESH proxy configuration is only supported in networkMode=awsvpc"),
    ("fargate-ipc", fg(ipcMode="task"), "ClientException", "ipcMode"),
    ("fargate-privileged", fg(containerDefinitions=[{"name": "app", "image": "nginx", "privileged": True}]),
     "ClientException", "privileged"),
    ("fargate-awslogs-without-role", fg(containerDefinitions=[{"name": "app", "image": "nginx",
                                                                "logConfiguration": {"logDriver": "awslogs"}}]),
     "ClientException", "execution role"),
    ("placement-distinct", td(placementConstraints=[{"type": "distinctInstance"}]), "ClientException",
     "placementConstraints[0].type"),
    ("placement-11", td(placementConstraints=[{"type": "memberOf", "expression": "attribute:a == b"}] * 11),
     "ClientException", "Too many placement constraints"),
    ("bad-cpu-string", td(cpu="lots"), "ClientException", "Invalid 'cpu' setting"),
    ("bad-memory-string", td(memory="1.5 TB"), "ClientException", "Invalid 'memory' setting"),
    ("ephemeral-too-small", td(ephemeralStorage={"sizeInGiB": 20}), "ClientException", "ephemeralStorage.sizeInGiB"),
    ("health-interval", td(containerDefinitions=[c(healthCheck={"command": ["CMD", "true"], "interval": 1})]),
     "ClientException", "'interval' must be between 5 and 300"),
    ("depends-on-unknown", td(containerDefinitions=[c(dependsOn=[{"containerName": "db", "condition": "START"}])]),
     "ClientException", "'dependsOn' container 'db'"),
    ("mount-unknown-volume", td(containerDefinitions=[c(mountPoints=[{"sourceVolume": "v", "containerPath": "/v"}])]),
     "ClientException", "source volume 'v'"),
    ("duplicate-volume", td(volumes=[{"name": "v"}, {"name": "v"}]), "ClientException", "Duplicate volume name 'v'"),
    ("missing-required-nested", td(containerDefinitions=[c(secrets=[{"name": "s"}])]), "ClientException",
     "containerDefinitions[0].secrets[0].valueFrom"),
    ("bad-ulimit-name", td(containerDefinitions=[c(ulimits=[{"name": "files", "softLimit": 1, "hardLimit": 1}])]),
     "ClientException", "containerDefinitions[0].ulimits[0].name"),
    ("51-tags", td(tags=[{"key": f"k{i}", "value": "v"} for i in range(51)]), "InvalidParameterException", "Too many tags"),
    ("aws-tag", td(tags=[{"key": "aws:owner", "value": "v"}]), "InvalidParameterException", "aws:"),
    ("container-cpu-string", td(containerDefinitions=[c(cpu="256")]), "SerializationException",
     "containerDefinitions[0].cpu"),
    ("task-memory-number", td(memory=512), "SerializationException", "memory"),
    ("port-mappings-object", td(containerDefinitions=[c(portMappings={"containerPort": 80})]), "SerializationException",
     "containerDefinitions[0].portMappings"),
    ("int-wider-than-32-bits", td(containerDefinitions=[c(memory=2 ** 40)]), "SerializationException",
     "containerDefinitions[0].memory"),
    ("too-large", td(containerDefinitions=[c(environment=[{"name": f"V{i}", "value": "x" * 1000} for i in range(70)])]),
     "ClientException", "Max allowed length is '65536' bytes."),
]


@pytest.mark.parametrize("body,code,needle", [case[1:] for case in ERROR_CASES], ids=[case[0] for case in ERROR_CASES])
def test_register_errors(raw, body, code, needle):
    got_code, message = raw_error(raw, "RegisterTaskDefinition", body)
    assert got_code == code, message
    assert needle in message
    # Nothing was registered (the revision counter did not move either).
    assert call_raw(raw, "ListTaskDefinitions", {})["taskDefinitionArns"] == []
    assert call_raw(raw, "RegisterTaskDefinition", td())["taskDefinition"]["revision"] == 1


def test_describe_errors(ecs, raw):
    c1 = [{"name": "c", "image": "busybox", "memory": 16}]
    ecs.register_task_definition(family="d", containerDefinitions=c1)
    ecs.deregister_task_definition(taskDefinition="d:1")
    for ident in ("nope", "nope:1", "d:2", "d", TD_ARN + "nope:3", "d:0", "d:x", TD_ARN + "d"):
        with pytest.raises(ClientError) as ei:
            ecs.describe_task_definition(taskDefinition=ident)
        assert error_code(ei) == "ClientException", ident
        assert error_message(ei) == "Unable to describe task definition.", ident
    assert raw_error(raw, "DescribeTaskDefinition", {})[0] == "InvalidParameterException"
    assert raw_error(raw, "DescribeTaskDefinition", {"taskDefinition": "d:1", "include": ["NOPE"]})[0] == \
        "InvalidParameterException"
    # INACTIVE revisions stay describable by revision.
    assert ecs.describe_task_definition(taskDefinition="d:1")["taskDefinition"]["status"] == "INACTIVE"


# --------------------------------------------------------------------------- Deregister / Delete

def register_n(ecs, family, n):
    c1 = [{"name": "c", "image": "busybox", "memory": 16}]
    return [ecs.register_task_definition(family=family, containerDefinitions=c1)["taskDefinition"]["taskDefinitionArn"]
            for _ in range(n)]


def test_deregister_flow(ecs):
    arns = register_n(ecs, "flow", 3)
    td2 = ecs.deregister_task_definition(taskDefinition="flow:3")["taskDefinition"]
    assert td2["status"] == "INACTIVE" and td2["revision"] == 3
    assert "deregisteredAt" in td2
    # by family: the latest ACTIVE revision
    assert ecs.describe_task_definition(taskDefinition="flow")["taskDefinition"]["revision"] == 2
    again = ecs.deregister_task_definition(taskDefinition=arns[2])["taskDefinition"]
    assert again["deregisteredAt"] == td2["deregisteredAt"]  # already INACTIVE: returned as is
    assert ecs.list_task_definitions(familyPrefix="flow")["taskDefinitionArns"] == arns[:2]
    assert ecs.list_task_definitions(familyPrefix="flow", status="INACTIVE")["taskDefinitionArns"] == arns[2:]
    # AWS's codes and text (issue 11).
    with pytest.raises(ClientError) as ei:
        ecs.deregister_task_definition(taskDefinition="flow")
    assert (error_code(ei), error_message(ei)) == ("ClientException", "Revision is missing.")
    with pytest.raises(ClientError) as ei:
        ecs.deregister_task_definition(taskDefinition="flow:9")
    assert (error_code(ei), error_message(ei)) == ("ClientException", "Unable to describe task definition.")
    assert ecs.list_task_definitions(familyPrefix="flow")["taskDefinitionArns"] == arns[:2]


def test_efs_root_directory_default_and_appmesh_in_awsvpc(ecs):
    td_out = ecs.register_task_definition(
        family="mesh", networkMode="awsvpc",
        containerDefinitions=[{"name": "app", "image": "nginx", "memory": 64},
                              {"name": "envoy", "image": "envoy", "memory": 64}],
        volumes=[{"name": "v", "efsVolumeConfiguration": {"fileSystemId": "fs-1"}}],
        proxyConfiguration={"type": "APPMESH", "containerName": "envoy",
                            "properties": [{"name": "AppPorts", "value": "8080"}]})["taskDefinition"]
    # ECS fills in the EFS root ("/") when the client leaves it out.
    assert td_out["volumes"] == [{"name": "v", "efsVolumeConfiguration": {"fileSystemId": "fs-1", "rootDirectory": "/"}}]
    assert td_out["proxyConfiguration"]["containerName"] == "envoy"
    assert "ecs.capability.aws-appmesh" in {a["name"] for a in td_out["requiresAttributes"]}
    described = ecs.describe_task_definition(taskDefinition="mesh:1")["taskDefinition"]
    assert described["volumes"] == td_out["volumes"]


def test_delete_flow_and_failures(ecs, delete_tds):
    arns = register_n(ecs, "del", 3)
    ecs.deregister_task_definition(taskDefinition="del:1")
    ecs.deregister_task_definition(taskDefinition="del:2")
    out = delete_tds(["del:1", arns[1], "del:3", "del:9", "del", "del:1"])
    deleted = out["taskDefinitions"]
    assert [d["taskDefinitionArn"] for d in deleted] == arns[:2]
    for d in deleted:
        assert d["status"] == "DELETE_IN_PROGRESS"
        assert d["deleteRequestedAt"] >= d["deregisteredAt"]
    reasons = {f["arn"]: f["reason"] for f in out["failures"]}
    assert "still in ACTIVE status" in reasons[arns[2]]
    assert "does not exist" in reasons["del:9"]
    assert "invalid" in reasons["del"]
    # Nothing used them: they are gone for good; the family lives on with revision 3.
    for ident in ("del:1", "del:2"):
        with pytest.raises(ClientError):
            ecs.describe_task_definition(taskDefinition=ident)
    for status in ("INACTIVE", "DELETE_IN_PROGRESS"):
        assert ecs.list_task_definitions(status=status)["taskDefinitionArns"] == []
    assert ecs.list_task_definition_families(status="ALL")["families"] == ["del"]
    assert register_n(ecs, "del", 1) == [TD_ARN + "del:4"]


@pytest.mark.parametrize("ids", [[], [f"x:{i}" for i in range(1, 12)]], ids=["empty", "eleven"])
def test_delete_task_definitions_batch_limits(delete_tds, ids):
    code, message = delete_tds(ids)
    assert code == "InvalidParameterException", message


def test_deleted_definition_in_use_waits_for_its_last_task(server, ecs, delete_tds):
    ecs.create_cluster(clusterName="c")
    fleet(server, cluster="c", count=1)
    arn = register_n(ecs, "inuse", 1)[0]
    task = ecs.run_task(cluster="c", taskDefinition="inuse:1")["tasks"][0]["taskArn"]
    wait_status(ecs, "c", [task], "RUNNING")
    ecs.deregister_task_definition(taskDefinition=arn)
    d = delete_tds([arn])["taskDefinitions"][0]
    assert d["status"] == "DELETE_IN_PROGRESS"
    # Still there while the task runs.
    assert ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]["status"] == "DELETE_IN_PROGRESS"
    assert ecs.list_task_definitions(status="DELETE_IN_PROGRESS")["taskDefinitionArns"] == [arn]
    assert ecs.list_task_definition_families(status="INACTIVE")["families"] == ["inuse"]
    assert ecs.list_task_definition_families(status="ACTIVE")["families"] == []
    # Deleting again is accepted and changes nothing.
    again = delete_tds([arn])["taskDefinitions"][0]
    assert again["deleteRequestedAt"] == d["deleteRequestedAt"]

    ecs.stop_task(cluster="c", task=task)
    wait_status(ecs, "c", [task], "STOPPED")
    with pytest.raises(ClientError) as ei:
        ecs.describe_task_definition(taskDefinition=arn)
    assert error_message(ei) == "Unable to describe task definition."
    assert ecs.list_task_definitions(status="DELETE_IN_PROGRESS")["taskDefinitionArns"] == []
    assert ecs.list_task_definition_families()["families"] == []
    # The stopped task still names it.
    assert ecs.describe_tasks(cluster="c", tasks=[task])["tasks"][0]["taskDefinitionArn"] == arn
    assert register_n(ecs, "inuse", 1) == [TD_ARN + "inuse:2"]


def test_tags_on_task_definitions(ecs, delete_tds):
    arn = ecs.register_task_definition(family="tagged", containerDefinitions=[{"name": "c", "image": "b", "memory": 8}],
                                       tags=[{"key": "a", "value": "1"}])["taskDefinition"]["taskDefinitionArn"]
    ecs.tag_resource(resourceArn=arn, tags=[{"key": "b", "value": "2"}, {"key": "a", "value": "3"}])
    assert sorted(ecs.list_tags_for_resource(resourceArn=arn)["tags"], key=lambda t: t["key"]) == \
        [{"key": "a", "value": "3"}, {"key": "b", "value": "2"}]
    ecs.untag_resource(resourceArn=arn, tagKeys=["a"])
    assert ecs.describe_task_definition(taskDefinition=arn, include=["TAGS"])["tags"] == [{"key": "b", "value": "2"}]
    with pytest.raises(ClientError):
        ecs.tag_resource(resourceArn=TD_ARN + "tagged:7", tags=[{"key": "x", "value": "y"}])
    # Tags go with the definition.
    ecs.deregister_task_definition(taskDefinition=arn)
    delete_tds([arn])
    with pytest.raises(ClientError):
        ecs.list_tags_for_resource(resourceArn=arn)
    fresh = ecs.register_task_definition(family="tagged", containerDefinitions=[{"name": "c", "image": "b", "memory": 8}])
    assert ecs.list_tags_for_resource(resourceArn=fresh["taskDefinition"]["taskDefinitionArn"])["tags"] == []


# --------------------------------------------------------------------------- ListTaskDefinitions

@pytest.fixture
def catalogue(ecs):
    """alpha:1-3 (2 INACTIVE), alpha-beta:1-2, beta:1-4, gamma:1 (INACTIVE)."""
    for family, n in (("beta", 4), ("alpha", 3), ("gamma", 1), ("alpha-beta", 2)):
        register_n(ecs, family, n)
    for ident in ("alpha:2", "alpha:3", "gamma:1"):
        ecs.deregister_task_definition(taskDefinition=ident)
    return ecs


def arns(*names):
    return [TD_ARN + n for n in names]


def test_list_task_definitions_order_and_filters(catalogue):
    ecs = catalogue
    assert ecs.list_task_definitions()["taskDefinitionArns"] == arns(
        "alpha:1", "alpha-beta:1", "alpha-beta:2", "beta:1", "beta:2", "beta:3", "beta:4")
    assert ecs.list_task_definitions(sort="DESC")["taskDefinitionArns"] == arns(
        "beta:4", "beta:3", "beta:2", "beta:1", "alpha-beta:2", "alpha-beta:1", "alpha:1")
    # familyPrefix is an exact family name, despite its name.
    assert ecs.list_task_definitions(familyPrefix="alpha")["taskDefinitionArns"] == arns("alpha:1")
    assert ecs.list_task_definitions(familyPrefix="alph")["taskDefinitionArns"] == []
    assert ecs.list_task_definitions(status="INACTIVE")["taskDefinitionArns"] == arns("alpha:2", "alpha:3", "gamma:1")
    assert ecs.list_task_definitions(status="INACTIVE", sort="DESC", familyPrefix="alpha")["taskDefinitionArns"] == \
        arns("alpha:3", "alpha:2")
    assert ecs.list_task_definitions(status="DELETE_IN_PROGRESS")["taskDefinitionArns"] == []
    with pytest.raises(ClientError) as ei:
        ecs.list_task_definitions(status="ALL")
    assert error_code(ei) == "InvalidParameterException"
    with pytest.raises(ClientError) as ei:
        ecs.list_task_definitions(sort="UP")
    assert error_code(ei) == "InvalidParameterException"


@pytest.mark.parametrize("sort", ["ASC", "DESC"])
@pytest.mark.parametrize("page_size", [1, 2, 3, 100])
def test_list_task_definitions_paginator(catalogue, sort, page_size):
    ecs = catalogue
    whole = ecs.list_task_definitions(sort=sort)["taskDefinitionArns"]
    pages = list(ecs.get_paginator("list_task_definitions").paginate(sort=sort, PaginationConfig={"PageSize": page_size}))
    assert [a for p in pages for a in p["taskDefinitionArns"]] == whole
    assert all(0 < len(p["taskDefinitionArns"]) <= page_size for p in pages)
    assert "nextToken" not in pages[-1]


def test_list_task_definitions_token_rules(catalogue):
    ecs = catalogue
    first = ecs.list_task_definitions(maxResults=2)
    assert len(first["taskDefinitionArns"]) == 2
    token = first["nextToken"]
    nxt = ecs.list_task_definitions(maxResults=2, nextToken=token)
    assert nxt["taskDefinitionArns"] == arns("alpha-beta:2", "beta:1")
    for bad in ({"nextToken": "garbage!"}, {"nextToken": token, "sort": "DESC"}, {"nextToken": token, "status": "INACTIVE"},
                {"maxResults": 0}, {"maxResults": 101}):
        with pytest.raises(ClientError) as ei:
            ecs.list_task_definitions(**bad)
        assert error_code(ei) == "InvalidParameterException", bad
    # Inserts between pages don't shift the cursor.
    register_n(ecs, "aaa", 1)
    assert ecs.list_task_definitions(maxResults=2, nextToken=token)["taskDefinitionArns"] == arns("alpha-beta:2", "beta:1")


def test_cli_auto_pagination(aws, catalogue):
    out = aws("list-task-definitions", "--page-size", "2")
    assert out["taskDefinitionArns"] == catalogue.list_task_definitions()["taskDefinitionArns"]
    first = aws("list-task-definitions", "--page-size", "2", "--max-items", "3", "--sort", "DESC")
    assert len(first["taskDefinitionArns"]) == 3
    rest = aws("list-task-definitions", "--page-size", "2", "--sort", "DESC", "--starting-token", first["NextToken"])
    assert first["taskDefinitionArns"] + rest["taskDefinitionArns"] == \
        catalogue.list_task_definitions(sort="DESC")["taskDefinitionArns"]
    fam = aws("list-task-definition-families", "--page-size", "1", "--status", "ALL")
    assert fam["families"] == ["alpha", "alpha-beta", "beta", "gamma"]


# --------------------------------------------------------------------------- ListTaskDefinitionFamilies

def test_list_families_prefix_and_status(catalogue):
    ecs = catalogue
    assert ecs.list_task_definition_families()["families"] == ["alpha", "alpha-beta", "beta", "gamma"]
    assert ecs.list_task_definition_families(status="ALL")["families"] == ["alpha", "alpha-beta", "beta", "gamma"]
    assert ecs.list_task_definition_families(status="ACTIVE")["families"] == ["alpha", "alpha-beta", "beta"]
    assert ecs.list_task_definition_families(status="INACTIVE")["families"] == ["gamma"]
    # a real prefix here
    assert ecs.list_task_definition_families(familyPrefix="alph")["families"] == ["alpha", "alpha-beta"]
    assert ecs.list_task_definition_families(familyPrefix="alpha-")["families"] == ["alpha-beta"]
    assert ecs.list_task_definition_families(familyPrefix="z")["families"] == []
    ecs.deregister_task_definition(taskDefinition="alpha:1")
    assert ecs.list_task_definition_families(status="INACTIVE")["families"] == ["alpha", "gamma"]
    with pytest.raises(ClientError) as ei:
        ecs.list_task_definition_families(status="DELETE_IN_PROGRESS")
    assert error_code(ei) == "InvalidParameterException"


@pytest.mark.parametrize("page_size", [1, 3])
def test_list_families_paginator(catalogue, page_size):
    pages = list(catalogue.get_paginator("list_task_definition_families").paginate(
        familyPrefix="a", PaginationConfig={"PageSize": page_size}))
    assert [f for p in pages for f in p["families"]] == ["alpha", "alpha-beta"]
    with pytest.raises(ClientError) as ei:
        catalogue.list_task_definition_families(nextToken=pages[0].get("nextToken", "x"), familyPrefix="b")
    assert error_code(ei) == "InvalidParameterException"


# --------------------------------------------------------------------------- persistence

def test_task_definitions_survive_restart(server, raw, delete_tds):
    data, out = register_raw(raw, FULL)
    ecs = server.client()
    register_n(ecs, "keep", 3)
    for rev in (1, 2, 3):
        ecs.deregister_task_definition(taskDefinition=f"keep:{rev}")
    delete_tds(["keep:1", "keep:2", "keep:3"])
    register_n(ecs, "gone", 2)
    ecs.deregister_task_definition(taskDefinition="gone:2")
    described = raw("DescribeTaskDefinition", {"taskDefinition": "web-full:1", "include": ["TAGS"]})[2]

    server.restart()
    ecs = server.client()
    status, _, after = raw("DescribeTaskDefinition", {"taskDefinition": "web-full:1", "include": ["TAGS"]})
    assert status == 200
    assert after == described
    assert ecs.list_task_definitions(status="INACTIVE")["taskDefinitionArns"] == arns("gone:2")
    assert ecs.list_task_definition_families()["families"] == ["gone", "web-full"]
    # Counters survive, also for a family with every revision deleted.
    assert register_n(ecs, "keep", 1) == arns("keep:4")
    assert register_n(ecs, "gone", 1) == arns("gone:3")
    assert register_n(ecs, "web-full", 1) == arns("web-full:2")
