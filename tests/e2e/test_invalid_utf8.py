"""Bytes that are not UTF-8 in a request (issue #14, item 6): 400 SerializationException, nothing
stored, and no reply ever carries the bytes back raw (a stored one made every later boto3 call
that read the resource fail with UnicodeDecodeError)."""
import json

import pytest

from conftest import TARGET_PREFIX, json_error
from test_hostile_input import assert_still_serving, exchange


def strict_json(data):
    """The reply decoded as strict UTF-8 (raises on any bad byte), then parsed."""
    return json.loads(data.decode("utf-8", errors="strict"))


BAD_BODIES = [
    pytest.param(b'{"clusterName":"ab\xff"}', id="invalid-start-byte"),
    pytest.param(b'{"clusterName":"caf\xc3("}', id="invalid-middle-byte"),
    pytest.param(b'{"clusterName":"\xed\xa0\x80"}', id="encoded-surrogate"),
    pytest.param(b'{"clusterName":"\xc0\xaf"}', id="overlong"),
    pytest.param(b'{"clusterName":"x\\udc00"}', id="escaped-unpaired-surrogate"),
    pytest.param(b'{"clusterName\xff":"x"}', id="in-a-member-name"),
    pytest.param(b'{"clusterName":"ok","tags":[{"key":"k","value":"v\xfe"}]}', id="nested-value"),
]


@pytest.mark.parametrize("body", BAD_BODIES)
def test_invalid_utf8_is_a_serialization_error_and_stores_nothing(server, raw, ecs, body):
    status, _, data = raw("CreateCluster", body)
    assert status == 400, data
    obj = strict_json(data)
    assert obj["__type"] == "SerializationException", obj
    assert obj["message"].startswith("Request body is not valid UTF-8: "), obj
    assert ecs.list_clusters()["clusterArns"] == []
    assert_still_serving(server)


def test_message_names_the_byte_in_hex(server, raw):
    status, code, message, _ = json_error(raw("CreateCluster", b'{"clusterName":"ab\x97"}'))
    assert (status, code) == (400, "SerializationException")
    # The Jackson wording AWS's JSON services use, with the byte's offset.
    assert message == ("Request body is not valid UTF-8: invalid UTF-8 start byte 0x97 "
                       "at offset 18."), message


def test_every_operation_and_admin_route_refuses_it(server, raw, ecs):
    ecs.create_cluster(clusterName="c")
    cluster_arn = ecs.describe_clusters(clusters=["c"])["clusters"][0]["clusterArn"]
    cases = [
        ("TagResource", b'{"resourceArn":"' + cluster_arn.encode() +
         b'","tags":[{"key":"k\xff","value":"v"}]}'),
        ("RegisterTaskDefinition",
         b'{"family":"f","containerDefinitions":[{"name":"c\xc3","image":"i","memory":64}]}'),
        ("PutAccountSetting", b'{"name":"serviceLongArnFormat","value":"enabled\x80"}'),
    ]
    for target, body in cases:
        status, code, message, _ = json_error(raw(target, body))
        assert (status, code) == (400, "SerializationException"), (target, message)
    assert ecs.list_tags_for_resource(resourceArn=cluster_arn)["tags"] == []
    assert ecs.list_task_definitions()["taskDefinitionArns"] == []
    status, _, data = server.http("POST", "/_emulator/fleets",
                                  body=b'{"cluster":"c\xff","count":1}')
    assert status == 400 and strict_json(data)["__type"] == "SerializationException", data


def test_an_instance_identity_document_is_checked_too(server, raw, ecs):
    """A JSON document inside a string member: its escapes may encode a bad string."""
    ecs.create_cluster(clusterName="c")
    doc = json.dumps({"instanceId": "i-1", "region": "us-east-1",
                      "availabilityZone": "us-east-1a"}).replace("i-1", "i-\\udc00")
    body = json.dumps({"cluster": "c", "instanceIdentityDocument": doc,
                       "totalResources": [{"name": "CPU", "type": "INTEGER", "integerValue": 2}]})
    status, code, message, _ = json_error(raw("RegisterContainerInstance", body))
    assert status == 400, message
    assert ecs.list_container_instances(cluster="c")["containerInstanceArns"] == []


def test_a_header_with_bad_bytes_is_not_echoed_raw(server):
    """"Unknown operation <X-Amz-Target>" quotes a header: bad bytes go out as U+FFFD."""
    request = (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.1\r\n"
               b"X-Amz-Target: " + TARGET_PREFIX.encode() + b".Create\xff\xc3Cluster\r\n"
               b"Connection: close\r\nContent-Length: 2\r\n\r\n{}")
    status, _, body = exchange(server, request)
    assert status == 400, body
    obj = strict_json(body)
    assert obj["__type"] == "UnknownOperationException", obj
    assert "\ufffd" in obj["message"] and "Create" in obj["message"], obj
    assert_still_serving(server)
