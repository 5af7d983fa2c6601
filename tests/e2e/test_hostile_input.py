"""Hostile request bytes: deeply nested JSON and malformed HTTP. Each gets an answer (never a
crash or a silent close), and the server keeps serving."""
import json
import re
import socket

import pytest

from conftest import TARGET_PREFIX, json_error

MAX_JSON_DEPTH = 128  # README: Limits


def assert_still_serving(server):
    status, _, body = server.http("GET", "/_emulator/health")
    assert status == 200, body
    assert server.alive(), server.output_tail()


def exchange(server, data, timeout=5):
    """Send raw bytes, read until the server closes; returns (status, headers, body)."""
    s = socket.create_connection((server.host, server.port), timeout=timeout)
    try:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        chunks = []
        try:
            while True:
                c = s.recv(65536)
                if not c:
                    break
                chunks.append(c)
        except ConnectionResetError:
            pass  # asserted below: the reply must have arrived before any reset
    finally:
        s.close()
    reply = b"".join(chunks)
    assert reply, f"connection closed without an HTTP response to {data[:80]!r}"
    head, _, body = reply.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    m = re.match(r"HTTP/1\.1 (\d{3}) ", lines[0])
    assert m, lines[0]
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    assert len(body) == int(headers["content-length"]), (headers, body)
    return int(m.group(1)), headers, body


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


# --------------------------------------------------------------------------- malformed HTTP

def request(head_lines, body=b""):
    return ("\r\n".join(head_lines) + "\r\n\r\n").encode("latin-1") + body


MALFORMED = {
    "bad request line": b"GARBAGE\r\n\r\n",
    "two spaces in the request line": b"POST  / HTTP/1.1\r\nHost: x\r\n\r\n",
    "HTTP/3.0": request(["POST / HTTP/3.0", "Host: x", "Content-Length: 2"], b"{}"),
    "HTTP/1.2": request(["POST / HTTP/1.2", "Host: x"]),
    "bad chunk size": request(["POST / HTTP/1.1", "Host: x", "Transfer-Encoding: chunked",
                               f"X-Amz-Target: {TARGET_PREFIX}.ListClusters"], b"zz\r\n{}\r\n0\r\n\r\n"),
    "conflicting Content-Length": request(["POST / HTTP/1.1", "Host: x", "Content-Length: 2",
                                           "Content-Length: 3"], b"{}"),
    "non-numeric Content-Length": request(["POST / HTTP/1.1", "Host: x", "Content-Length: two"], b"{}"),
    "NUL in a header": b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: a\x00b\r\nContent-Length: 2\r\n\r\n{}",
    "header without a colon": request(["POST / HTTP/1.1", "Host: x", "no colon here"]),
    "TLS handshake": b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64,
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_http_gets_400_then_close(server, case):
    status, headers, body = exchange(server, MALFORMED[case])
    assert status == 400, (case, headers, body)
    assert headers.get("connection") == "close", headers
    obj = json.loads(body)
    assert obj["__type"] == "ClientException", obj
    assert obj["message"].startswith("Malformed HTTP request: "), obj
    assert_still_serving(server)


@pytest.mark.parametrize("where", ["one header", "many headers", "request target"])
def test_oversized_headers_get_431(server, where):
    if where == "one header":
        data = request(["POST / HTTP/1.1", "Host: x", "X-Pad: " + "a" * 9000])
    elif where == "many headers":
        data = request(["POST / HTTP/1.1", "Host: x"] + [f"X-Pad-{i}: {'b' * 90}" for i in range(100)])
    else:
        data = request(["GET /" + "c" * 9000 + " HTTP/1.1", "Host: x"])
    status, headers, body = exchange(server, data)
    assert status == 431, (headers, body)
    assert headers.get("connection") == "close"
    obj = json.loads(body)
    assert obj["__type"] == "ClientException" and "8192 bytes" in obj["message"], obj
    assert_still_serving(server)


def test_headers_just_under_the_limit_are_fine(server):
    pad = "a" * (8192 - 300)
    data = request(["GET /_emulator/health HTTP/1.1", "Host: x", "Connection: close", "X-Pad: " + pad])
    status, _, body = exchange(server, data)
    assert status == 200, body


def test_oversize_body_still_gets_413_with_its_whole_body_unread(server):
    """The 413 arrives even though the client goes on sending 2 MiB the server never parses."""
    body = b"x" * (2 * 1024 * 1024)
    data = request(["POST / HTTP/1.1", "Host: x", f"X-Amz-Target: {TARGET_PREFIX}.ListClusters",
                    f"Content-Length: {len(body)}"], body)
    status, headers, reply = exchange(server, data, timeout=10)
    assert status == 413, reply
    assert json.loads(reply)["__type"] == "RequestEntityTooLargeException"
    assert_still_serving(server)


def test_malformed_request_after_a_good_one_on_the_same_connection(server):
    good = request(["GET /_emulator/health HTTP/1.1", "Host: x"])
    s = socket.create_connection((server.host, server.port), timeout=5)
    try:
        s.sendall(good + b"BROKEN LINE\r\n\r\n")
        data = b""
        while True:
            c = s.recv(65536)
            if not c:
                break
            data += c
    finally:
        s.close()
    statuses = re.findall(rb"HTTP/1\.1 (\d{3}) ", data)
    assert statuses == [b"200", b"400"], data[:500]
