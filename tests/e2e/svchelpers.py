"""Helpers for the service, waiter and fault e2e tests: fleets and faults through the admin API,
task-definition builders, polling for service stability, and a boto3 client that knows the
2024+ service-deployment operations (ListServiceDeployments, DescribeServiceDeployments)."""
from __future__ import annotations

import collections
import gzip
import json
import os
import shutil
import tempfile
import time

import boto3
import botocore.config
import botocore.session

from contract import validator

AZS = ["us-east-1a", "us-east-1b", "us-east-1c"]


def admin(server, route, body):
    status, _, raw = server.http("POST", f"/_emulator/{route}", body=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    return status, (json.loads(raw) if raw else None)


def fleet(server, cluster="default", count=3, **extra):
    # createCluster: the fleet's cluster need not exist first (without it: ClusterNotFound).
    body = {"cluster": cluster, "count": count, "createCluster": True, **extra}
    status, out = admin(server, "fleets", body)
    assert status == 200, out
    return out["containerInstanceArns"]


def fault(server, **body):
    status, out = admin(server, "faults", body)
    assert status == 200, out
    return out


def clock(server, action, **kw):
    status, out = admin(server, "clock", {"action": action, **kw})
    assert status == 200, out
    return out


def definition(ecs, family="web", cpu=128, memory=256, image="nginx:latest", **extra):
    container = {"name": "app", "image": image, "cpu": cpu, "memory": memory, "essential": True}
    out = ecs.register_task_definition(family=family, containerDefinitions=[container], **extra)
    return out["taskDefinition"]["taskDefinitionArn"]


def fargate_definition(ecs, family="fg"):
    out = ecs.register_task_definition(
        family=family, networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": "nginx:latest", "essential": True,
                               "portMappings": [{"containerPort": 80}]}])
    return out["taskDefinition"]["taskDefinitionArn"]


def wait_until(fn, timeout=15.0, interval=0.05, what="condition"):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"{what} not reached within {timeout}s (last: {last!r})")


def describe(ecs, cluster, name, **kw):
    out = ecs.describe_services(cluster=cluster, services=[name], **kw)
    assert out["failures"] == [], out["failures"]
    return out["services"][0]


def is_stable(svc):
    """What the ServicesStable waiter checks (plus ACTIVE)."""
    return (svc["status"] == "ACTIVE" and len(svc["deployments"]) == 1
            and svc["runningCount"] == svc["desiredCount"])


def wait_stable(ecs, cluster, name, timeout=15.0):
    return wait_until(lambda: (lambda s: s if is_stable(s) and s["pendingCount"] == 0 else None)(
        describe(ecs, cluster, name)), timeout, what=f"service {name} stable")


def wait_rolled_back(ecs, cluster, name, deployment_id, running, timeout=15.0):
    """The service once a circuit-breaker rollback has finished: `deployment_id` is its only
    deployment again, with `running` tasks RUNNING."""
    def rolled_back():
        svc = describe(ecs, cluster, name)
        return svc if (svc["deployments"][0]["id"] == deployment_id
                       and len(svc["deployments"]) == 1 and svc["runningCount"] == running) else None
    return wait_until(rolled_back, timeout, what="rollback")


def service_tasks(ecs, cluster, name, desired="RUNNING"):
    arns = []
    for page in ecs.get_paginator("list_tasks").paginate(cluster=cluster, serviceName=name,
                                                         desiredStatus=desired):
        arns += page["taskArns"]
    tasks = []
    for i in range(0, len(arns), 100):
        tasks += ecs.describe_tasks(cluster=cluster, tasks=arns[i:i + 100])["tasks"]
    return tasks


def az_counts(tasks):
    return dict(collections.Counter(t["availabilityZone"] for t in tasks))


def instance_azs(ecs, cluster):
    arns = ecs.list_container_instances(cluster=cluster)["containerInstanceArns"]
    out = {}
    for ci in ecs.describe_container_instances(cluster=cluster, containerInstances=arns)[
            "containerInstances"]:
        az = next(a["value"] for a in ci["attributes"] if a["name"] == "ecs.availability-zone")
        out[ci["containerInstanceArn"]] = az
    return out


_NEW_MODEL_DIR = None


def new_model_client(server):
    """A boto3 ECS client built on the newest botocore ECS model found on the machine (the
    service-deployment operations are not in /usr/bin/python3's botocore 1.29), or None."""
    global _NEW_MODEL_DIR
    probe = server.client()
    if hasattr(probe, "list_service_deployments"):
        return probe
    models = validator.discover_models()
    if not models:
        return None
    path = models[0][2]
    if _NEW_MODEL_DIR is None:
        d = tempfile.mkdtemp(prefix="ecs-model-")
        dest = os.path.join(d, "ecs", "2014-11-13")
        os.makedirs(dest)
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rb") as src, open(os.path.join(dest, "service-2.json"), "wb") as out:
            shutil.copyfileobj(src, out)
        # The same model's waiters and paginators (the daemon waiters, every new paginator).
        for name in ("waiters-2.json", "paginators-1.json"):
            for found in (os.path.join(os.path.dirname(path), n) for n in (name, name + ".gz")):
                if os.path.exists(found):
                    opener = gzip.open if found.endswith(".gz") else open
                    with opener(found, "rb") as src, open(os.path.join(dest, name), "wb") as out:
                        shutil.copyfileobj(src, out)
                    break
        _NEW_MODEL_DIR = d
    session = botocore.session.Session()
    session.set_config_variable("data_path", _NEW_MODEL_DIR)
    client = boto3.session.Session(botocore_session=session).client(
        "ecs", region_name="us-east-1", endpoint_url=server.url,
        aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret",
        config=botocore.config.Config(retries={"total_max_attempts": 1}))
    return client if hasattr(client, "list_service_deployments") else None
