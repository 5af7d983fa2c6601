"""The emulator's own HTTP surface (issue 15): the route table behind GET /_emulator, 404 with
the route list, 405 with Allow, HEAD, account/region on every route, fleets that no longer
create clusters by accident, lose-zone validation, reset returning the clock, moto's reset
alias, and GET /metrics parsed as Prometheus text."""
import json
import re
import time

import pytest

from conftest import DEFAULT_ACCOUNT, cluster_arn


def call(server, method, path, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    status, hdrs, raw = server.http(method, path, body=data, headers=headers or {})
    parsed = None
    if raw and hdrs.get("content-type", "").startswith("application/"):
        parsed = json.loads(raw)
    return status, hdrs, parsed if parsed is not None else raw


def test_index_lists_every_route(server):
    status, _, out = call(server, "GET", "/_emulator")
    assert status == 200
    paths = {r["path"]: r["methods"] for r in out["routes"]}
    for p in ("/_emulator/health", "/_emulator/reset", "/_emulator/clock", "/_emulator/fleets",
              "/_emulator/faults", "/_emulator/snapshot", "/moto-api/reset", "/metrics"):
        assert p in paths, p
    assert paths["/_emulator/clock"] == "GET, POST, HEAD"
    assert out["defaults"] == {"account": DEFAULT_ACCOUNT, "region": "us-east-1"}
    assert out["mode"] == "persistent"


def test_unknown_route_is_404_with_the_route_list(server):
    status, _, out = call(server, "GET", "/_emulator/clocks")
    assert status == 404
    assert "/_emulator/clocks" in out["message"]
    assert "/_emulator/clock" in [r["path"] for r in out["routes"]]


def test_wrong_method_is_405_with_allow(server):
    status, headers, out = call(server, "DELETE", "/_emulator/reset")
    assert status == 405 and headers["allow"] == "POST"
    assert "POST" in out["message"]
    status, headers, _ = call(server, "PUT", "/_emulator/clock")
    assert status == 405 and headers["allow"] == "GET, POST, HEAD"


def test_head_works_where_get_does(server):
    status, headers, raw = call(server, "HEAD", "/_emulator/health")
    assert status == 200 and raw == b"" and int(headers["content-length"]) > 0
    status, headers, _ = call(server, "HEAD", "/_emulator/fleets")
    assert status == 405 and headers["allow"] == "POST"


def test_fleets_need_an_existing_cluster_unless_asked(server):
    ecs = server.client()
    status, _, err = call(server, "POST", "/_emulator/fleets", {"cluster": "typo", "count": 1})
    assert status == 400 and err["__type"] == "ClusterNotFoundException"
    assert ecs.list_clusters()["clusterArns"] == []
    status, _, out = call(server, "POST", "/_emulator/fleets",
                          {"cluster": "made", "count": 1, "createCluster": True})
    assert status == 200 and len(out["containerInstanceArns"]) == 1
    assert ecs.list_clusters()["clusterArns"] == [cluster_arn("made")]


def test_admin_routes_take_account_and_region(server):
    body = {"cluster": "eu", "count": 2, "createCluster": True, "account": "111122223333",
            "region": "eu-west-1"}
    status, _, out = call(server, "POST", "/_emulator/fleets", body)
    assert status == 200
    assert out["containerInstanceArns"][0].startswith("arn:aws:ecs:eu-west-1:111122223333:")
    eu = server.client(region="eu-west-1", access_key="111122223333")
    # The default tenant has nothing; the named one has the cluster (query string form too).
    assert server.client().list_clusters()["clusterArns"] == []
    assert eu.list_clusters()["clusterArns"] == [
        cluster_arn("eu", "eu-west-1", "111122223333")]
    status, _, out = call(server, "POST", "/_emulator/faults?account=111122223333&region=eu-west-1",
                          {"type": "lose-zone", "availabilityZone": "eu-west-1a"})
    assert status == 200 and out["affected"] == 1
    status, _, err = call(server, "POST", "/_emulator/fleets", {"cluster": "x", "account": "12"})
    assert status == 400 and "12 digits" in err["message"]


def test_lose_zone_validates_the_zone(server):
    call(server, "POST", "/_emulator/fleets", {"cluster": "z", "count": 3, "createCluster": True})
    status, _, err = call(server, "POST", "/_emulator/faults",
                          {"type": "lose-zone", "availabilityZone": "us-east-1q"})
    assert status == 400 and err["__type"] == "InvalidParameterException"
    assert "us-east-1q" in err["message"] and "us-east-1a" in err["message"]
    instances = server.client().list_container_instances(cluster="z", status="ACTIVE")
    assert len(instances["containerInstanceArns"]) == 3  # nothing lost


def test_reset_returns_the_clock_to_real_time(ephemeral_server):
    server = ephemeral_server
    call(server, "POST", "/_emulator/clock", {"action": "freeze"})
    call(server, "POST", "/_emulator/clock", {"action": "advance", "by": "2h"})
    status, _, out = call(server, "POST", "/_emulator/reset")
    assert status == 200 and out["clock"]["frozen"] is False
    assert abs(out["clock"]["now"] - time.time()) < 5
    # moto's server-mode reset is the same call.
    call(server, "POST", "/_emulator/clock", {"action": "freeze"})
    status, _, out = call(server, "POST", "/moto-api/reset")
    assert status == 200 and out["reset"] is True and out["clock"]["frozen"] is False


def test_scoped_reset_keeps_other_tenants(server):
    ecs = server.client()
    ecs.create_cluster(clusterName="keep")
    eu = server.client(region="eu-west-1")
    eu.create_cluster(clusterName="wipe")
    status, _, out = call(server, "POST", "/_emulator/reset", {"region": "eu-west-1"})
    assert status == 200 and out["scope"] == {"region": "eu-west-1"}
    assert eu.list_clusters()["clusterArns"] == []
    assert ecs.list_clusters()["clusterArns"] == [cluster_arn("keep")]


SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_prometheus(text):
    """{name: [(labels dict, value)]}; fails on any line that is not the text format."""
    out, types = {}, {}
    for line in text.splitlines():
        if line.startswith("# HELP "):
            continue
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            assert kind in ("counter", "gauge", "histogram"), line
            assert name not in types, f"TYPE twice: {line}"
            types[name] = kind
            continue
        m = SAMPLE.match(line)
        assert m, f"not a sample line: {line!r}"
        labels = dict(LABEL.findall(m.group(3) or ""))
        out.setdefault(m.group(1), []).append((labels, float(m.group(4))))
    return out, types


def test_metrics_in_prometheus_text(server):
    ecs = server.client()
    call(server, "POST", "/_emulator/fleets", {"cluster": "m", "count": 1, "createCluster": True})
    ecs.register_task_definition(family="m", containerDefinitions=[
        {"name": "c", "image": "nginx", "cpu": 128, "memory": 128}])
    ecs.run_task(cluster="m", taskDefinition="m", count=2)
    ecs.register_task_definition(family="huge", containerDefinitions=[
        {"name": "c", "image": "nginx", "cpu": 8192, "memory": 128}])
    big = ecs.run_task(cluster="m", taskDefinition="huge", count=1)
    assert big["failures"][0]["reason"] == "RESOURCE:CPU"
    with pytest.raises(Exception):
        ecs.describe_clusters(clusters=["m"], include=["NOPE"])
    server.http("GET", "/_emulator/scanner-probe-xyz")
    status, headers, raw = server.http("GET", "/metrics")
    assert b"scanner-probe-xyz" not in raw  # unrouted paths are not label values
    assert status == 200 and headers["content-type"].startswith("text/plain; version=0.0.4")
    samples, types = parse_prometheus(raw.decode())
    assert types["ecs_emulator_requests_total"] == "counter"
    assert types["ecs_emulator_request_duration_seconds"] == "histogram"
    by = {(s["operation"], s["outcome"]): v for s, v in samples["ecs_emulator_requests_total"]}
    assert by[("RunTask", "success")] >= 2
    assert by[("DescribeClusters", "InvalidParameterException")] >= 1
    assert by[("POST /_emulator/fleets", "success")] >= 1
    assert by[("unrouted", "NotFound")] >= 1
    buckets = [(s["le"], v) for s, v in samples["ecs_emulator_request_duration_seconds_bucket"]
               if s["operation"] == "RunTask"]
    assert buckets[-1][0] == "+Inf" and buckets[-1][1] >= 2
    assert [v for _, v in buckets] == sorted(v for _, v in buckets)  # cumulative
    tasks = {s["last_status"]: v for s, v in samples["ecs_emulator_tasks"]
             if s["account"] == DEFAULT_ACCOUNT}
    assert sum(tasks.values()) == 2
    assert samples["ecs_emulator_placements_total"][0][1] >= 2
    failures = {s["reason"]: v for s, v in samples.get("ecs_emulator_placement_failures_total", [])}
    assert failures["RESOURCE:CPU"] >= 1
    for name in ("ecs_emulator_reconciler_slice_seconds", "ecs_emulator_commit_batch_rows",
                 "ecs_emulator_commit_seconds", "ecs_emulator_deployments",
                 "ecs_emulator_container_instances"):
        assert name in types, name
