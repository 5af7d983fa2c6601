"""Helpers shared by the instance, task, placement and clock e2e tests: the admin API
(fleets, clock), identity documents for agent-style registration, and small task-definition
builders."""
from __future__ import annotations

import json
import time

REGION = "us-east-1"
AZS = ["us-east-1a", "us-east-1b", "us-east-1c"]


def admin(server, method, route, body=None):
    data = json.dumps(body).encode() if body is not None else b""
    status, _, raw = server.http(method, f"/_emulator/{route}", body=data,
                                 headers={"Content-Type": "application/json"})
    return status, (json.loads(raw) if raw else None)


def fleet(server, cluster="default", count=3, instance_type="m5.large", **extra):
    # createCluster: the fleet's cluster need not exist first (without it: ClusterNotFound).
    body = {"cluster": cluster, "count": count, "instanceType": instance_type, "createCluster": True,
            **extra}
    status, out = admin(server, "POST", "fleets", body)
    assert status == 200, out
    return out["containerInstanceArns"]


def clock(server, action=None, **kw):
    if action is None:
        status, out = admin(server, "GET", "clock")
    else:
        status, out = admin(server, "POST", "clock", {"action": action, **kw})
    assert status == 200, out
    return out


def identity_document(instance_id, az, instance_type="m5.large", image="ami-0123456789abcdef0"):
    return json.dumps({
        "accountId": "000000000000", "architecture": "x86_64", "availabilityZone": az,
        "imageId": image, "instanceId": instance_id, "instanceType": instance_type,
        "privateIp": "10.0.1.17", "region": az[:-1], "version": "2017-09-30",
    })


def resources(cpu, memory):
    return [
        {"name": "CPU", "type": "INTEGER", "integerValue": cpu},
        {"name": "MEMORY", "type": "INTEGER", "integerValue": memory},
        {"name": "PORTS", "type": "STRINGSET", "stringSetValue": ["22", "2376", "2375", "51678", "51679"]},
        {"name": "PORTS_UDP", "type": "STRINGSET", "stringSetValue": []},
    ]


def register_agents(ecs, cluster="default", per_az=1, cpu=2048, memory=4096, instance_type="m5.large"):
    """Registers instances the way the ECS agent does, round-robin over three AZs."""
    arns = []
    for i in range(per_az * len(AZS)):
        az = AZS[i % len(AZS)]
        out = ecs.register_container_instance(
            cluster=cluster,
            instanceIdentityDocument=identity_document(f"i-{i:017x}", az, instance_type),
            instanceIdentityDocumentSignature="sig",
            totalResources=resources(cpu, memory),
            versionInfo={"agentVersion": "1.89.1", "agentHash": "a1b2c3d4",
                         "dockerVersion": "DockerVersion: 25.0.8"},
        )
        arns.append(out["containerInstance"]["containerInstanceArn"])
    return arns


def simple_definition(ecs, family="web", cpu=128, memory=256, ports=None, **extra):
    container = {"name": "app", "image": "nginx:latest", "cpu": cpu, "memory": memory,
                 "essential": True}
    if ports is not None:
        container["portMappings"] = ports
    out = ecs.register_task_definition(family=family, containerDefinitions=[container], **extra)
    return out["taskDefinition"]["taskDefinitionArn"]


def fargate_definition(ecs, family="fg"):
    out = ecs.register_task_definition(
        family=family, networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
        cpu="256", memory="512",
        containerDefinitions=[{"name": "app", "image": "nginx", "essential": True,
                               "portMappings": [{"containerPort": 80}]}],
    )
    return out["taskDefinition"]["taskDefinitionArn"]


def instance_of(arn_by_id, task):
    return arn_by_id[task["containerInstanceArn"]]


def az_of(ecs, cluster, arns):
    """containerInstanceArn -> availability zone."""
    out = {}
    for i in range(0, len(arns), 100):
        for ci in ecs.describe_container_instances(cluster=cluster, containerInstances=arns[i:i + 100])[
                "containerInstances"]:
            attrs = {a["name"]: a.get("value") for a in ci["attributes"]}
            out[ci["containerInstanceArn"]] = attrs["ecs.availability-zone"]
    return out


def wait_status(ecs, cluster, arns, status, timeout=5.0):
    """Polls DescribeTasks (fast) until every task has lastStatus `status`."""
    deadline = time.monotonic() + timeout
    while True:
        tasks = ecs.describe_tasks(cluster=cluster, tasks=arns)["tasks"]
        if tasks and all(t["lastStatus"] == status for t in tasks):
            return tasks
        if time.monotonic() > deadline:
            raise AssertionError(f"tasks not {status}: {[t['lastStatus'] for t in tasks]}")
        time.sleep(0.05)


def remaining(ci, name):
    for r in ci["remainingResources"]:
        if r["name"] == name:
            return r.get("stringSetValue", r["integerValue"]) if r["type"] == "STRINGSET" else r["integerValue"]
    raise KeyError(name)
