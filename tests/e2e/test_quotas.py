"""ECS's service quotas (issue #14 item 3): each answered with ECS's error before anything is
created, so no request makes the server hold or do unbounded work, and huge numbers are refused
at the door instead of overflowing later. The numbers are in model/quotas.h and README "Limits"."""
import json

import pytest
from botocore.exceptions import ClientError

from conftest import error_code, json_error
from taskhelpers import admin, fleet, simple_definition


@pytest.fixture
def web(ecs):
    ecs.create_cluster(clusterName="c")
    simple_definition(ecs, family="web")


def test_desired_count_over_the_tasks_per_service_quota(ecs, web):
    with pytest.raises(ClientError) as e:
        ecs.create_service(cluster="c", serviceName="s", taskDefinition="web", desiredCount=5001)
    assert error_code(e) == "InvalidParameterException"
    assert e.value.response["Error"]["Message"] == "Desired count exceeds limit."
    assert ecs.list_services(cluster="c")["serviceArns"] == []
    ecs.create_service(cluster="c", serviceName="s", taskDefinition="web", desiredCount=0)
    with pytest.raises(ClientError) as e:
        ecs.update_service(cluster="c", service="s", desiredCount=5001)
    assert error_code(e) == "InvalidParameterException"
    assert ecs.describe_services(cluster="c", services=["s"])["services"][0]["desiredCount"] == 0


@pytest.mark.parametrize("number", [10**10, 2**63 - 1, 2**64, -2**63, 1e300])
@pytest.mark.parametrize("operation", ["CreateService", "UpdateService"])
def test_numbers_beyond_an_integer_are_refused_not_overflowed(server, raw, ecs, web, number,
                                                              operation):
    ecs.create_service(cluster="c", serviceName="s0", taskDefinition="web", desiredCount=0)
    body = {"cluster": "c", "taskDefinition": "web", "desiredCount": number}
    body.update({"serviceName": "s1"} if operation == "CreateService" else {"service": "s0"})
    status, code, message, _ = json_error(raw(operation, json.dumps(body)))
    assert (status, code) == (400, "SerializationException"), message
    assert "desiredCount" in message, message
    services = ecs.describe_services(cluster="c", services=["s0", "s1"])
    assert [s["desiredCount"] for s in services["services"]] == [0]
    assert ecs.list_clusters()["clusterArns"]  # still serving


def test_run_task_count_quota(ecs, web):
    with pytest.raises(ClientError) as e:
        ecs.run_task(cluster="c", taskDefinition="web", count=11)
    assert error_code(e) == "InvalidParameterException"
    assert ecs.list_tasks(cluster="c")["taskArns"] == []


def test_tags_per_resource_quota(ecs):
    with pytest.raises(ClientError) as e:
        ecs.create_cluster(clusterName="t",
                           tags=[{"key": f"k{i}", "value": "v"} for i in range(51)])
    assert error_code(e) == "InvalidParameterException"
    assert ecs.list_clusters()["clusterArns"] == []


def test_container_instances_per_cluster_quota_is_all_or_nothing(server, ecs):
    ecs.create_cluster(clusterName="c")
    fleet(server, cluster="c", count=2)
    status, out = admin(server, "POST", "fleets",
                        {"cluster": "c", "count": 4999, "instanceType": "m5.large"})
    assert status == 400, out
    assert out["__type"] == "ClientException", out
    assert "at most 5000 registered container instances (2 now)" in out["message"], out
    assert len(ecs.list_container_instances(cluster="c")["containerInstanceArns"]) == 2
