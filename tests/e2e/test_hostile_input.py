"""Hostile request bytes: deeply nested JSON. Each gets an answer (never a crash or a silent
close), and the server keeps serving."""
import json

import pytest

from conftest import TARGET_PREFIX, json_error

MAX_JSON_DEPTH = 128  # README: Limits


def assert_still_serving(server):
    status, _, body = server.http("GET", "/_emulator/health")
    assert status == 200, body
    assert server.alive(), server.output_tail()


# --------------------------------------------------------------------------- nested JSON

@pytest.mark.parametrize("path,target", [("/", "CreateCluster"), ("/", "ListClusters"),
                                          ("/_emulator/fleets", None), ("/_emulator/clock", None)])
def test_deeply_nested_json_is_refused_not_fatal(server, path, target):
    body = b"[" * 110_000  # 110 KB; this crashed the server (recursive parse)
    headers = {"Content-Type": "application/x-amz-json-1.1"}
    if target:
        headers["X-Amz-Target"] = f"{TARGET_PREFIX}.{target}"
    for payload in (body, b'{"clusterName":' + body, b'{"a":' * 60_000):
        status, _, data = server.http("POST", path, body=payload, headers=headers)
        assert status == 400, data[:300]
        obj = json.loads(data)
        assert obj["__type"].endswith("SerializationException"), obj
        assert f"deeper than {MAX_JSON_DEPTH} levels" in obj["message"], obj
        assert_still_serving(server)


def test_nesting_up_to_the_limit_is_accepted(server, raw):
    # The request object is level 1; an ignored member nests to exactly the limit.
    inner = "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1)
    status, _, data = raw("CreateCluster", f'{{"clusterName":"deep","ignored":{inner}}}')
    assert status == 200, data[:300]
    over = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    status, code, message, _ = json_error(raw("CreateCluster", f'{{"clusterName":"d2","x":{over}}}'))
    assert (status, code) == (400, "SerializationException"), message


def test_nested_instance_identity_document_is_refused(server, raw):
    """A JSON document inside a string member is parsed too: the same limit applies."""
    server.client().create_cluster(clusterName="c")
    doc = "[" * 200_000
    status, code, _message, _ = json_error(raw("RegisterContainerInstance", {
        "cluster": "c", "instanceIdentityDocument": doc,
        "totalResources": [{"name": "CPU", "type": "INTEGER", "integerValue": 2048}]}))
    assert status == 400, code
    assert_still_serving(server)
