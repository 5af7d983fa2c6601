"""ARN arguments of another partition, Region, account, resource type or cluster, and malformed
ones (issue #14 item 7): InvalidParameterException with ECS's texts where they are on record
(common/arn_check.cc cites them), and nothing is read from or written to the caller's resources
that an ARN of someone else's happens to share a name with."""
import pytest
from botocore.exceptions import ClientError

from conftest import DEFAULT_ACCOUNT, DEFAULT_REGION, error_code
from taskhelpers import fleet, simple_definition

OURS = f"arn:aws:ecs:{DEFAULT_REGION}:{DEFAULT_ACCOUNT}"


def foreign(kind, resource):
    """The same resource under another Region, account and partition, and malformed."""
    return {
        "region": (f"arn:aws:ecs:eu-west-1:{DEFAULT_ACCOUNT}:{kind}/{resource}",
                   "Invalid Region in ARN"),
        "account": (f"arn:aws:ecs:{DEFAULT_REGION}:111122223333:{kind}/{resource}",
                    "Invalid identifier: Identifier is for 111122223333. Your accountId is "
                    + DEFAULT_ACCOUNT),
        "partition": (f"arn:aws-cn:ecs:{DEFAULT_REGION}:{DEFAULT_ACCOUNT}:{kind}/{resource}",
                      "Invalid Partition in ARN"),
        "service": (f"arn:aws:sqs:{DEFAULT_REGION}:{DEFAULT_ACCOUNT}:{kind}/{resource}",
                    "is not an ECS ARN"),
        "type": (f"{OURS}:capacity-provider/{resource}", "Unsupported resource type: "
                 "capacity-provider:"),
    }


def expect_invalid(call, message, what=""):
    with pytest.raises(ClientError) as e:
        call()
        pytest.fail(f"no error for {what}")
    assert error_code(e) == "InvalidParameterException", e.value.response
    assert message in e.value.response["Error"]["Message"], e.value.response


@pytest.fixture
def world(server, ecs):
    """A cluster c with an instance, a task definition, a service s and a running task."""
    ecs.create_cluster(clusterName="c")
    ecs.create_cluster(clusterName="other")
    instance = fleet(server, cluster="c", count=1)[0]
    simple_definition(ecs, family="web")
    ecs.create_service(cluster="c", serviceName="s", taskDefinition="web", desiredCount=0)
    task = ecs.run_task(cluster="c", taskDefinition="web")["tasks"][0]["taskArn"]
    return {"instance": instance.rsplit("/", 1)[1], "task": task.rsplit("/", 1)[1]}


@pytest.mark.parametrize("how", ["region", "account", "partition", "service", "type"])
def test_foreign_cluster_arns(ecs, world, how):
    if how == "type":
        arn = f"{OURS}:service/c"
        message = "Unsupported resource type: service:"
    else:
        arn, message = foreign("cluster", "c")[how]
    expect_invalid(lambda: ecs.describe_clusters(clusters=[arn]), message)
    expect_invalid(lambda: ecs.list_services(cluster=arn), message)
    expect_invalid(lambda: ecs.delete_cluster(cluster=arn), message)
    assert ecs.describe_clusters(clusters=["c"])["clusters"][0]["status"] == "ACTIVE"


@pytest.mark.parametrize("how", ["region", "account", "partition", "service", "type"])
def test_foreign_service_task_instance_and_definition_arns(ecs, world, how):
    cases = [
        ("service", "c/s", lambda a: ecs.describe_services(cluster="c", services=[a])),
        ("service", "c/s", lambda a: ecs.update_service(cluster="c", service=a, desiredCount=1)),
        ("service", "c/s", lambda a: ecs.delete_service(cluster="c", service=a, force=True)),
        ("task", "c/" + world["task"], lambda a: ecs.describe_tasks(cluster="c", tasks=[a])),
        ("task", "c/" + world["task"], lambda a: ecs.stop_task(cluster="c", task=a)),
        ("container-instance", "c/" + world["instance"],
         lambda a: ecs.describe_container_instances(cluster="c", containerInstances=[a])),
        ("container-instance", "c/" + world["instance"],
         lambda a: ecs.deregister_container_instance(cluster="c", containerInstance=a,
                                                     force=True)),
        ("task-definition", "web:1", lambda a: ecs.describe_task_definition(taskDefinition=a)),
        ("task-definition", "web:1", lambda a: ecs.deregister_task_definition(taskDefinition=a)),
        ("task-definition", "web:1", lambda a: ecs.run_task(cluster="c", taskDefinition=a)),
    ]
    for kind, resource, call in cases:
        arn, message = foreign(kind, resource)[how]
        expect_invalid(lambda: call(arn), message, arn)
    # Nothing changed.
    svc = ecs.describe_services(cluster="c", services=["s"])["services"][0]
    assert (svc["status"], svc["desiredCount"]) == ("ACTIVE", 0)
    task = ecs.describe_tasks(cluster="c", tasks=[world["task"]])["tasks"][0]
    assert task["desiredStatus"] == "RUNNING"
    assert ecs.describe_task_definition(taskDefinition="web:1")["taskDefinition"]["status"] == \
        "ACTIVE"
    assert len(ecs.list_container_instances(cluster="c")["containerInstanceArns"]) == 1
    assert len(ecs.list_tasks(cluster="c")["taskArns"]) == 1


def test_an_arn_of_another_cluster(ecs, world):
    """Acting on it: ECS's "Invalid identifier: Identifier is for cluster jan7. Your cluster is
    default". Describing it: a MISSING failure (docs/operations.md, DescribeServices)."""
    task_arn = f"{OURS}:task/c/{world['task']}"
    for call in [
        lambda: ecs.stop_task(cluster="other", task=task_arn),
        lambda: ecs.update_service(cluster="other", service=f"{OURS}:service/c/s", desiredCount=1),
        lambda: ecs.deregister_container_instance(
            cluster="other", containerInstance=f"{OURS}:container-instance/c/{world['instance']}",
            force=True),
    ]:
        expect_invalid(call, "Invalid identifier: Identifier is for cluster c. Your cluster is other")
    out = ecs.describe_tasks(cluster="other", tasks=[task_arn])
    assert out["tasks"] == [] and out["failures"][0]["reason"] == "MISSING"
    out = ecs.describe_services(cluster="other", services=[f"{OURS}:service/c/s"])
    assert out["services"] == [] and out["failures"][0]["reason"] == "MISSING"
    assert ecs.describe_tasks(cluster="c", tasks=[task_arn])["tasks"][0]["desiredStatus"] == \
        "RUNNING"


@pytest.mark.parametrize("arn", [
    f"{OURS}:cluster/", f"{OURS}:service/c//s", f"{OURS}:task/c/x/y/z", "arn:aws:ecs",
    f"{OURS}:task-definition/a/b:1",
])
def test_malformed_arns(ecs, world, arn):
    kind = arn.split(":", 5)[-1].split("/", 1)[0]
    call = {
        "cluster": lambda: ecs.describe_clusters(clusters=[arn]),
        "service": lambda: ecs.describe_services(cluster="c", services=[arn]),
        "task": lambda: ecs.describe_tasks(cluster="c", tasks=[arn]),
        "task-definition": lambda: ecs.describe_task_definition(taskDefinition=arn),
    }.get(kind, lambda: ecs.describe_clusters(clusters=[arn]))
    expect_invalid(call, "Invalid identifier: ")


def test_our_own_arns_still_work(ecs, world):
    assert ecs.describe_clusters(clusters=[f"{OURS}:cluster/c"])["clusters"][0]["clusterName"] == "c"
    out = ecs.describe_services(cluster=f"{OURS}:cluster/c", services=[f"{OURS}:service/c/s"])
    assert out["services"][0]["serviceName"] == "s"
    out = ecs.describe_tasks(cluster="c", tasks=[f"{OURS}:task/c/{world['task']}"])
    assert len(out["tasks"]) == 1
    td = ecs.describe_task_definition(taskDefinition=f"{OURS}:task-definition/web:1")
    assert td["taskDefinition"]["revision"] == 1
