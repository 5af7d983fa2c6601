"""Structured logs and flag errors (issue 15): one line per request with its id, tenant,
operation or route, status, error and duration, as text or JSON; a start-up line; flag
mistakes answered in words that say what to do."""
import json
import subprocess
import time

import pytest

from conftest import emulator_bin


def wait_for(fn, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        out = fn()
        if out:
            return out
        time.sleep(0.02)
    raise AssertionError("not logged in time")


def json_lines(server):
    out = []
    for line in list(server.stderr_lines):
        if line.startswith("{"):
            out.append(json.loads(line))
    return out


def test_json_request_lines(emulators):
    server = emulators(ephemeral=True, extra_args=["--log-format", "json"])
    # stderr is read by another thread than stdout's "listening on": wait for the line.
    start = wait_for(lambda: [l for l in json_lines(server) if l.get("event") == "start"])
    assert start and start[0]["mode"] == "ephemeral" and start[0]["address"].endswith(
        f":{server.port}") and start[0]["version"]
    ecs = server.client(region="eu-west-1", access_key="111122223333")
    ecs.create_cluster(clusterName="logged")
    with pytest.raises(Exception):
        ecs.describe_services(cluster="nope", services=["x"])
    status, headers, _ = server.http("POST", "/_emulator/reset", body=b"")
    assert status == 200

    def requests():
        lines = [l for l in json_lines(server) if l.get("event") == "request"]
        return lines if len(lines) >= 3 else None

    create, failed, reset = wait_for(requests)[-3:]
    assert create["op"] == "CreateCluster" and create["status"] == 200
    assert (create["account"], create["region"]) == ("111122223333", "eu-west-1")
    assert isinstance(create["ms"], (int, float)) and create["level"] == "info"
    assert failed["status"] == 400 and failed["error"] == "ClusterNotFoundException"
    assert failed["message"]
    assert reset["route"] == "POST /_emulator/reset" and "op" not in reset
    assert reset["id"] == headers["x-amzn-requestid"]


def test_text_request_line(emulators):
    server = emulators(ephemeral=True)
    status, headers, _ = server.http("GET", "/_emulator/nope")
    assert status == 404
    rid = headers["x-amzn-requestid"]
    line = wait_for(lambda: next((l for l in server.stderr_lines if f"id={rid}" in l), None))
    assert "request " in line and "status=404" in line and 'route="GET /_emulator/nope"' in line
    assert "ms=" in line


@pytest.mark.parametrize("args,expected", [
    (["--port", "abc"], "invalid port 'abc'"),
    (["--port", "70000"], "invalid port '70000'"),
    (["--port", "1", "--port", "2"], "--port was given 2 times"),
    (["--ephemeral", "--log-format", "xml"], "--log-format must be text or json"),
    (["--ephemeral", "--timing", "fast"], "--timing must be instant or realistic; got 'fast'"),
])
def test_flag_errors_say_what_is_wrong(args, expected):
    proc = subprocess.run([emulator_bin(), *args], capture_output=True, text=True, timeout=10)
    assert proc.returncode == 2 and expected in proc.stderr, proc.stderr


def test_port_in_use_suggests_port_zero(emulators):
    first = emulators(ephemeral=True)
    proc = subprocess.run([emulator_bin(), "--ephemeral", "--port", str(first.port)],
                          capture_output=True, text=True, timeout=10)
    assert proc.returncode == 1
    assert "in use" in proc.stderr and "--port 0" in proc.stderr, proc.stderr


def test_unusable_data_dir_names_the_path(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    proc = subprocess.run([emulator_bin(), "--port", "0", "--data-dir", str(blocker / "data")],
                          capture_output=True, text=True, timeout=10)
    assert proc.returncode == 1 and str(blocker / "data") in proc.stderr, proc.stderr


def test_debug_adds_placements_task_states_and_deployment_steps(emulators):
    server = emulators(ephemeral=True, extra_args=["--log-format", "json", "--log-level", "debug"])
    ecs = server.client()
    status, _, _ = server.http("POST", "/_emulator/fleets", body=json.dumps(
        {"cluster": "dbg", "count": 1, "createCluster": True}).encode())
    assert status == 200
    ecs.register_task_definition(family="d", containerDefinitions=[
        {"name": "c", "image": "nginx", "cpu": 64, "memory": 64}])
    ecs.create_service(cluster="dbg", serviceName="s", taskDefinition="d", desiredCount=1)

    def seen():
        events = {l.get("event") for l in json_lines(server)}
        running = any(l.get("event") == "task-state" and l["lastStatus"] == "RUNNING"
                      for l in json_lines(server))
        return running and {"placed", "service-event"} <= events

    wait_for(seen, timeout=10)
    steps = [l["message"] for l in json_lines(server) if l.get("event") == "service-event"]
    assert any("has started 1 tasks" in m for m in steps), steps
