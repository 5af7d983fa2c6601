"""The emulator's operation table vs the botocore model, and self-tests of the
contract validator/hook that every boto3 call in this suite goes through."""
import json
from types import SimpleNamespace

import pytest

from conftest import CONTRACT_STATS, ContractViolation, contract_after_call
from contract import validator

FOUNDATION_OPS = {
    "CreateCluster", "DescribeClusters", "ListClusters", "DeleteCluster", "UpdateCluster",
    "UpdateClusterSettings", "TagResource", "UntagResource", "ListTagsForResource",
}


@pytest.fixture(scope="module")
def model_ops():
    return set(validator.model_operations())


def test_validator_uses_newest_botocore_model():
    info = validator.model_info()
    found = validator.discover_models()
    assert found, "no botocore installation found"
    newest_version = found[0][1]
    if info["version"] != "override":
        assert info["version"] == newest_version
        assert all(validator._version_tuple(info["version"]) >= v for v, _, _ in found)
    if validator._version_tuple(newest_version) >= (1, 43):
        assert info["operations"] == 77


def test_operations_endpoint_matches_model(server, model_ops):
    status, ops = server.get_json("/_emulator/operations")
    assert status == 200
    assert set(ops) >= {"implemented", "all"}
    implemented, all_ops = ops["implemented"], ops["all"]
    assert len(all_ops) == 77 and len(set(all_ops)) == 77, len(all_ops)
    assert validator.check_operations(all_ops) == []
    assert validator.check_operations(implemented) == []
    assert model_ops <= set(all_ops), sorted(model_ops - set(all_ops))
    assert set(implemented) <= set(all_ops)
    assert len(set(implemented)) == len(implemented)
    assert FOUNDATION_OPS <= set(implemented), sorted(FOUNDATION_OPS - set(implemented))


def test_every_operation_dispatches_and_answers_per_contract(server):
    """Every one of the 77 operations: implemented ones answer with a model-valid
    body or a model-valid error; the others with UnknownOperationException."""
    _, ops = server.get_json("/_emulator/operations")
    implemented = set(ops["implemented"])
    problems = []
    for op in ops["all"]:
        status, headers, body = server.raw(op, b"{}")
        problems += validator.validate_response(op, status, body, headers)
        if op in implemented:
            if status != 200:
                code = validator.sanitize_error_code(json.loads(body).get("__type", ""))
                if code in ("UnknownOperationException", "SerializationException"):
                    problems.append(f"{op}: implemented but answered {code} to {{}}: {body[:200]!r}")
        else:
            obj = json.loads(body)
            if status != 400 or validator.sanitize_error_code(obj.get("__type", "")) != "UnknownOperationException":
                problems.append(f"{op}: not implemented but answered {status} {body[:200]!r}")
            elif obj.get("message", obj.get("Message")) != f"{op} is not implemented by ecs-emulator yet":
                problems.append(f"{op}: unexpected message {obj!r}")
    assert problems == []
    assert server.alive()


# --------------------------------------------------------------------------- validator self-tests

GOOD_CLUSTER = {
    "clusterArn": "arn:aws:ecs:us-east-1:000000000000:cluster/x", "clusterName": "x", "status": "ACTIVE",
    "registeredContainerInstancesCount": 0, "runningTasksCount": 0, "pendingTasksCount": 0,
    "activeServicesCount": 0, "statistics": [], "tags": [{"key": "a", "value": "b"}],
    "settings": [{"name": "containerInsights", "value": "enabled"}], "capacityProviders": [],
    "defaultCapacityProviderStrategy": [{"capacityProvider": "FARGATE", "weight": 1, "base": 0}],
}


def test_validator_accepts_good_bodies():
    assert validator.validate_output("CreateCluster", {"cluster": GOOD_CLUSTER}) == []
    assert validator.validate_output("DescribeClusters", {"clusters": [GOOD_CLUSTER], "failures": [
        {"arn": "arn:aws:ecs:us-east-1:000000000000:cluster/y", "reason": "MISSING"}]}) == []
    assert validator.validate_output("ListClusters", {"clusterArns": [], "nextToken": "t"}) == []
    assert validator.validate_output("TagResource", {}) == []
    assert validator.validate_error("DeleteCluster", 400,
                                    {"__type": "ClusterNotFoundException", "message": "Cluster not found."}) == []
    assert validator.validate_error("ListClusters", 400, {"__type": "SerializationException", "Message": "x"}) == []


@pytest.mark.parametrize("body,needle", [
    ({"cluster": dict(GOOD_CLUSTER, bogus=1)}, "unknown member 'bogus'"),
    ({"cluster": dict(GOOD_CLUSTER, runningTasksCount=1.0)}, "expected JSON integer"),
    ({"cluster": dict(GOOD_CLUSTER, runningTasksCount="1")}, "expected JSON integer"),
    ({"cluster": dict(GOOD_CLUSTER, runningTasksCount=True)}, "expected JSON integer"),
    ({"cluster": dict(GOOD_CLUSTER, runningTasksCount=2**31)}, "out of integer range"),
    ({"cluster": dict(GOOD_CLUSTER, clusterName=5)}, "expected string"),
    ({"cluster": dict(GOOD_CLUSTER, status=None)}, "null value"),
    ({"cluster": dict(GOOD_CLUSTER, tags={"a": "b"})}, "expected array"),
    ({"cluster": dict(GOOD_CLUSTER, settings=[{"name": "cpuInsights", "value": "on"}])}, "not a value of enum"),
    ({"cluster": dict(GOOD_CLUSTER, defaultCapacityProviderStrategy=[{"weight": 1}])},
     "missing required member 'capacityProvider'"),
    ({"cluster": dict(GOOD_CLUSTER, configuration={"executeCommandConfiguration": {"logging": "SOME"}})},
     "not a value of enum"),
    ({"cluster": dict(GOOD_CLUSTER, configuration={"executeCommandConfiguration": {
        "logConfiguration": {"s3EncryptionEnabled": "true"}}})}, "expected boolean"),
    ({"cluster": [GOOD_CLUSTER]}, "expected object"),
    ({"clusters": []}, "unknown member 'clusters'"),
])
def test_validator_rejects_bad_bodies(body, needle):
    problems = validator.validate_output("CreateCluster", body)
    assert any(needle in p for p in problems), problems


def test_validator_types_timestamps_maps_doubles():
    td = {"taskDefinition": {"family": "f", "revision": 1, "registeredAt": 1557119253.821}}
    assert validator.validate_output("RegisterTaskDefinition", td) == []
    bad = {"taskDefinition": {"family": "f", "revision": 1, "registeredAt": "2019-05-06T05:07:33Z"}}
    assert any("epoch-seconds" in p for p in validator.validate_output("RegisterTaskDefinition", bad))
    bad = {"taskDefinition": {"family": "f", "revision": 1.0}}
    assert any("expected JSON integer" in p for p in validator.validate_output("RegisterTaskDefinition", bad))
    labels = {"taskDefinition": {"containerDefinitions": [{"dockerLabels": {"a": 1}}]}}
    assert any("expected string" in p for p in validator.validate_output("RegisterTaskDefinition", labels))
    labels_ok = {"taskDefinition": {"containerDefinitions": [{"dockerLabels": {"a": "1"}}]}}
    assert validator.validate_output("RegisterTaskDefinition", labels_ok) == []


def test_validator_error_envelopes():
    assert validator.validate_error("DeleteCluster", 400, {"message": "x"})  # no __type
    assert validator.validate_error("DeleteCluster", 500, {"__type": "ClusterNotFoundException"})
    assert validator.validate_error("DeleteCluster", 400, {"__type": "NoSuchThingException"})
    assert validator.validate_error("ListClusters", 400, {"__type": "ClusterNotFoundException"})
    assert validator.validate_error("DeleteCluster", 400, {"__type": "ClusterNotFoundException",
                                                           "code": "Other"})
    assert validator.validate_error("DeleteCluster", 400, {"__type": "ClusterNotFoundException"},
                                    {"x-amzn-ErrorType": "ServerException"})
    assert validator.validate_error("DeleteCluster", 400,
                                    {"__type": "com.amazonaws.ecs#ClusterNotFoundException"}) == []


def test_validator_raw_parse_problems():
    assert validator.validate_response("ListClusters", 200, b'{"clusterArns":[],"clusterArns":[]}', {})
    assert validator.validate_response("ListClusters", 200, b"{", {})
    assert validator.validate_response("ListClusters", 200, b'{"clusterArns":[]}',
                                       {"Content-Type": "application/json"})
    assert validator.validate_response("ListClusters", 200, b'{"clusterArns":[]}',
                                       {"Content-Type": "application/x-amz-json-1.1"}) == []


def test_check_operations():
    assert validator.check_operations(["CreateCluster", "ListClusters"]) == []
    assert validator.check_operations(["CreateCluster", "CreateClusterV2"]) == ["CreateClusterV2"]


def _fake_http(status, body, headers=None):
    return SimpleNamespace(status_code=status, content=body,
                           headers=headers or {"Content-Type": "application/x-amz-json-1.1"})


def test_contract_hook_raises_on_bad_body():
    model = SimpleNamespace(name="ListClusters")
    contract_after_call(http_response=_fake_http(200, b'{"clusterArns":[]}'), model=model)
    with pytest.raises(ContractViolation):
        contract_after_call(http_response=_fake_http(200, b'{"clusterArns":"arn"}'), model=model)
    with pytest.raises(ContractViolation):
        contract_after_call(http_response=_fake_http(400, b'{"__type":"ClusterNotFoundException"}'), model=model)


def test_contract_hook_is_active_on_fixture_clients(ecs):
    before = CONTRACT_STATS["checked"]
    ecs.list_clusters()
    try:
        ecs.delete_cluster(cluster="nope")
    except ecs.exceptions.ClusterNotFoundException:
        pass
    assert CONTRACT_STATS["checked"] == before + 2


def test_contract_violation_propagates_through_boto3(ecs, monkeypatch):
    monkeypatch.setattr(validator, "validate_response", lambda *a, **k: ["synthetic problem"])
    with pytest.raises(ContractViolation, match="synthetic problem"):
        ecs.list_clusters()


def test_ephemeral_server_fixture(ephemeral_server):
    assert ephemeral_server.ephemeral and ephemeral_server.data_dir is None
    c = ephemeral_server.client()
    assert c.create_cluster(clusterName="e")["cluster"]["status"] == "ACTIVE"


def test_contract_hook_is_on_every_ecs_client(server, monkeypatch):
    import boto3

    c = boto3.client("ecs", region_name="us-east-1", endpoint_url=server.url,
                     aws_access_key_id="x", aws_secret_access_key="y")
    monkeypatch.setattr(validator, "validate_response", lambda *a, **k: ["synthetic problem"])
    with pytest.raises(ContractViolation):
        c.list_clusters()
