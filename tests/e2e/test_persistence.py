"""Durability: graceful restart, SIGKILL under write load, --ephemeral."""
import http.client
import json
import os
import signal
import threading
import time


from conftest import DEFAULT_KEY, TARGET_PREFIX, cluster_arn, fake_authorization

EXEC_CONFIG = {"executeCommandConfiguration": {"logging": "DEFAULT", "kmsKeyId": "k"}}
ALL_INCLUDES = ["ATTACHMENTS", "CONFIGURATIONS", "SETTINGS", "STATISTICS", "TAGS"]


def snapshot(client):
    arns = [a for p in client.get_paginator("list_clusters").paginate() for a in p["clusterArns"]]
    described = []
    for i in range(0, len(arns), 100):
        r = client.describe_clusters(clusters=arns[i:i + 100], include=ALL_INCLUDES)
        assert r["failures"] == []
        described += r["clusters"]
    for c in described:  # tag order carries no meaning
        c["tags"] = sorted(c.get("tags", []), key=lambda t: t["key"])
    return arns, described


def populate(emu):
    a = emu.client()
    a.create_cluster(clusterName="p1", tags=[{"key": "k1", "value": "v1"}, {"key": "k2", "value": ""}],
                     settings=[{"name": "containerInsights", "value": "enhanced"}], configuration=EXEC_CONFIG)
    a.create_cluster(clusterName="p2", capacityProviders=["FARGATE", "FARGATE_SPOT"],
                     defaultCapacityProviderStrategy=[{"capacityProvider": "FARGATE_SPOT", "weight": 3, "base": 1}])
    a.create_cluster(clusterName="p3")
    a.tag_resource(resourceArn=cluster_arn("p2"), tags=[{"key": "later", "value": "added"}])
    a.update_cluster_settings(cluster="p3", settings=[{"name": "containerInsights", "value": "enabled"}])
    a.create_cluster(clusterName="p4")
    a.delete_cluster(cluster="p4")
    emu.client(region="eu-west-1").create_cluster(clusterName="eu", tags=[{"key": "r", "value": "eu"}])
    emu.client(access_key="111122223333").create_cluster(clusterName="acct")


def full_state(emu):
    return {
        "default": snapshot(emu.client()),
        "eu": snapshot(emu.client(region="eu-west-1")),
        "acct": snapshot(emu.client(access_key="111122223333")),
    }


def check_populated(state):
    arns, clusters = state["default"]
    assert arns == [cluster_arn(n) for n in ("p1", "p2", "p3", "p4")]
    by = {c["clusterName"]: c for c in clusters}
    assert by["p1"]["tags"] == [{"key": "k1", "value": "v1"}, {"key": "k2", "value": ""}]
    assert by["p1"]["settings"] == [{"name": "containerInsights", "value": "enhanced"}]
    assert by["p1"]["configuration"] == EXEC_CONFIG
    assert by["p2"]["capacityProviders"] == ["FARGATE", "FARGATE_SPOT"]
    assert by["p2"]["defaultCapacityProviderStrategy"] == [{"capacityProvider": "FARGATE_SPOT", "weight": 3, "base": 1}]
    assert by["p2"]["tags"] == [{"key": "later", "value": "added"}]
    assert by["p3"]["settings"] == [{"name": "containerInsights", "value": "enabled"}]
    assert [by[n]["status"] for n in ("p1", "p2", "p3", "p4")] == ["ACTIVE", "ACTIVE", "ACTIVE", "INACTIVE"]
    eu_arns, eu = state["eu"]
    assert eu_arns == [cluster_arn("eu", region="eu-west-1")]
    assert eu[0]["tags"] == [{"key": "r", "value": "eu"}]
    acct_arns, _ = state["acct"]
    assert acct_arns == [cluster_arn("acct", account="111122223333")]


def test_graceful_restart_keeps_everything(emulators):
    emu = emulators()
    populate(emu)
    before = full_state(emu)
    check_populated(before)
    emu.restart()
    after = full_state(emu)
    assert after == before
    assert os.listdir(emu.data_dir), "data dir is empty after a graceful shutdown"
    # writes keep working after recovery and do not clash with recovered state
    c = emu.client()
    assert c.create_cluster(clusterName="p1")["cluster"]["clusterArn"] == cluster_arn("p1")
    c.create_cluster(clusterName="p5")
    assert c.list_clusters()["clusterArns"][-1] == cluster_arn("p5")
    assert len(c.list_clusters()["clusterArns"]) == 5
    # and a second restart is just as good
    emu.restart()
    assert emu.client().list_clusters()["clusterArns"] == [cluster_arn(n) for n in ("p1", "p2", "p3", "p4", "p5")]


def test_sigint_is_graceful_too(emulators):
    emu = emulators()
    emu.client().create_cluster(clusterName="int")
    emu.stop_clean(signal.SIGINT)
    emu.start()
    assert emu.client().list_clusters()["clusterArns"] == [cluster_arn("int")]


def test_kill9_after_acknowledged_writes(emulators):
    emu = emulators()
    populate(emu)
    before = full_state(emu)
    emu.kill9()
    emu.start()
    assert full_state(emu) == before


def _writer(emu, prefix, stop, acked, errors):
    conn = None
    i = 0
    date, auth = fake_authorization(DEFAULT_KEY, "us-east-1")
    while not stop.is_set():
        name = f"{prefix}-{i}"
        i += 1
        try:
            if conn is None:
                conn = http.client.HTTPConnection(emu.host, emu.port, timeout=10)
            conn.request("POST", "/", body=json.dumps({"clusterName": name, "tags": [{"key": "n", "value": name}]}),
                         headers={"Content-Type": "application/x-amz-json-1.1",
                                  "X-Amz-Target": f"{TARGET_PREFIX}.CreateCluster",
                                  "X-Amz-Date": date, "Authorization": auth})
            r = conn.getresponse()
            body = r.read()
        except (OSError, http.client.HTTPException):
            # the server is gone (killed) - stop writing
            return
        if r.status == 200:
            obj = json.loads(body)
            if obj["cluster"]["clusterName"] == name and obj["cluster"]["status"] == "ACTIVE":
                acked.append(name)
            else:
                errors.append(f"{name}: {body[:200]!r}")
        else:
            errors.append(f"{name}: HTTP {r.status} {body[:200]!r}")
            return


def test_kill9_under_write_load_loses_no_acknowledged_write(emulators):
    emu = emulators()
    stop = threading.Event()
    acked, errors = [], []
    threads = [threading.Thread(target=_writer, args=(emu, f"w{t}", stop, acked, errors), daemon=True)
               for t in range(6)]
    for t in threads:
        t.start()
    time.sleep(2.0)
    acked_at_kill = len(acked)
    emu.kill9()
    stop.set()
    for t in threads:
        t.join(15)
    assert errors == [], emu.output_tail()
    assert acked_at_kill >= 50, f"only {acked_at_kill} writes acknowledged in 2 s"
    names = list(acked)  # includes any ack that raced the kill: it was acknowledged, so it must survive

    emu.start()
    c = emu.client()
    for i in range(0, len(names), 100):
        chunk = names[i:i + 100]
        r = c.describe_clusters(clusters=chunk, include=["TAGS"])
        assert r["failures"] == [], f"{len(r['failures'])} acknowledged clusters lost, e.g. {r['failures'][:3]}"
        assert [x["clusterName"] for x in r["clusters"]] == chunk
        for x in r["clusters"]:
            assert x["status"] == "ACTIVE"
            assert x["tags"] == [{"key": "n", "value": x["clusterName"]}]
    listed = [a for p in c.get_paginator("list_clusters").paginate() for a in p["clusterArns"]]
    assert len(listed) == len(set(listed))
    assert set(cluster_arn(n) for n in names) <= set(listed)
    # the recovered store accepts writes
    c.create_cluster(clusterName="after-crash")
    emu.restart()
    assert cluster_arn("after-crash") in [a for p in emu.client().get_paginator("list_clusters").paginate()
                                          for a in p["clusterArns"]]


def test_sigterm_under_write_load_exits_0_and_keeps_acknowledged_writes(emulators):
    emu = emulators()
    stop = threading.Event()
    acked, errors = [], []
    threads = [threading.Thread(target=_writer, args=(emu, f"g{t}", stop, acked, errors), daemon=True)
               for t in range(4)]
    for t in threads:
        t.start()
    time.sleep(1.0)
    rc = emu.stop(signal.SIGTERM)
    stop.set()
    for t in threads:
        t.join(15)
    assert rc == 0, emu.output_tail()
    assert errors == [] or all("HTTP 503" in e for e in errors), errors[:5]
    names = list(acked)
    assert len(names) >= 20
    emu.start()
    c = emu.client()
    for i in range(0, len(names), 100):
        r = c.describe_clusters(clusters=names[i:i + 100])
        assert r["failures"] == []
        assert {x["status"] for x in r["clusters"]} == {"ACTIVE"}


def test_reset_is_durable(emulators):
    emu = emulators()
    emu.client().create_cluster(clusterName="wiped")
    emu.reset()
    emu.restart()
    assert emu.client().list_clusters()["clusterArns"] == []


def _tree(path):
    out = []
    for root, dirs, files in os.walk(path):
        for f in files:
            out.append(os.path.relpath(os.path.join(root, f), path))
        for d in dirs:
            out.append(os.path.relpath(os.path.join(root, d), path) + "/")
    return sorted(out)


def test_ephemeral_writes_nothing_and_forgets_on_restart(emulators, tmp_path):
    cwd = tmp_path / "cwd"
    home = tmp_path / "home"
    tmpdir = tmp_path / "tmp"
    for d in (cwd, home, tmpdir):
        d.mkdir()
    env = dict(os.environ, HOME=str(home), TMPDIR=str(tmpdir), XDG_DATA_HOME=str(home / ".local/share"))
    emu = emulators(ephemeral=True, cwd=str(cwd), env=env)
    c = emu.client()
    for i in range(20):
        c.create_cluster(clusterName=f"e{i}", tags=[{"key": "k", "value": str(i)}])
    c.delete_cluster(cluster="e0")
    assert len(c.list_clusters()["clusterArns"]) == 20
    emu.restart()
    assert emu.client().list_clusters()["clusterArns"] == []
    emu.stop_clean()
    assert _tree(cwd) == [] and _tree(home) == [] and _tree(tmpdir) == [], (
        _tree(cwd), _tree(home), _tree(tmpdir))


def test_data_dir_is_not_shared_between_instances(emulators):
    a = emulators()
    b = emulators()
    a.client().create_cluster(clusterName="only-a")
    assert b.client().list_clusters()["clusterArns"] == []


def _start_expecting_exit(data_dir, timeout=10):
    """Start a server on `data_dir` that must exit by itself. Returns (rc, stdout, stderr)."""
    import subprocess
    from conftest import Emulator
    proc = subprocess.Popen(Emulator(data_dir=data_dir).command(0), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        raise AssertionError(f"the server kept running on a corrupt database: {out!r} {err!r}")
    return proc.returncode, out.decode(), err.decode()


def test_a_corrupt_row_stops_the_start_with_one_line_naming_it(emulators):
    """A damaged database is a clear error at start-up: exit 1, one line naming the row's kind
    and key (storage/row_reader.h), never undefined behaviour or a half-loaded state."""
    import subprocess
    emu = emulators()
    c = emu.client()
    c.create_cluster(clusterName="good")
    c.register_task_definition(family="fam", containerDefinitions=[
        {"name": "a", "image": "nginx", "memory": 64}])
    emu.stop_clean()
    db = os.path.join(emu.data_dir, "ecs-emulator.sqlite3")
    cases = [
        # kind 1 = cluster: a member of the wrong type
        ("UPDATE resources SET body = json_set(body, '$.name', 7) WHERE kind = 1",
         "cluster row " + cluster_arn("good"), "'name'"),
        # kind 4 = task definition: its body is gone
        ("UPDATE resources SET body = json_remove(body, '$.body') WHERE kind = 4",
         "task definition row arn:aws:ecs:us-east-1:000000000000:task-definition/fam:1", "'body'"),
        # not JSON at all
        ("UPDATE resources SET body = '{oops' WHERE kind = 1",
         "cluster row " + cluster_arn("good"), "not a JSON object"),
    ]
    for sql, where, what in cases:
        backup = db + ".bak"
        subprocess.run(["sqlite3", db, f".backup {backup}"], check=True)
        subprocess.run(["sqlite3", db, sql], check=True)
        rc, out, err = _start_expecting_exit(emu.data_dir)
        assert rc == 1, (sql, rc, out, err)
        assert "listening on" not in out
        lines = err.strip().splitlines()
        assert len(lines) == 1, err
        assert where in lines[0] and what in lines[0], (sql, lines[0])
        subprocess.run(["sqlite3", db, f".restore {backup}"], check=True)
    # Repaired, it serves the same state again.
    again = emulators(data_dir=emu.data_dir)
    assert again.client().list_clusters()["clusterArns"] == [cluster_arn("good")]
