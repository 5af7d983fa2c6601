"""--seed FILE / ECS_EMULATOR_SEED (issue 15): a YAML or JSON file of ECS requests applied at
start-up when the state is empty; idempotent across restarts; a failing request stops the
start with one line naming it."""
import json
import os
import subprocess

import pytest

from conftest import Emulator, cluster_arn, emulator_bin

YAML_SEED = """\
# Two tenants: the default one, and eu-west-1 of another account.
- fleets:
    - {cluster: demo, count: 3, instanceType: m5.large}
  requests:
    - CreateCluster: {clusterName: demo, tags: [{key: team, value: web}]}
    - RegisterTaskDefinition:
        family: web
        containerDefinitions:
          - {name: c, image: "nginx:1.25", cpu: 128, memory: 256, essential: true}
    - CreateService: {cluster: demo, serviceName: web, taskDefinition: web, desiredCount: 2}
- account: "111122223333"
  region: eu-west-1
  requests:
    - CreateCluster: {clusterName: eu}
"""


def test_yaml_seed_applies_once_and_survives_restart(emulators, tmp_path):
    seed = tmp_path / "seed.yaml"
    seed.write_text(YAML_SEED)
    server = emulators(extra_args=["--seed", str(seed)])
    ecs = server.client()
    assert ecs.list_clusters()["clusterArns"] == [cluster_arn("demo")]
    cluster = ecs.describe_clusters(clusters=["demo"], include=["TAGS"])["clusters"][0]
    assert cluster["tags"] == [{"key": "team", "value": "web"}]
    assert cluster["registeredContainerInstancesCount"] == 3
    svc = ecs.describe_services(cluster="demo", services=["web"])["services"][0]
    assert svc["desiredCount"] == 2
    eu = server.client(region="eu-west-1", access_key="111122223333")
    assert eu.list_clusters()["clusterArns"] == [cluster_arn("eu", "eu-west-1", "111122223333")]
    # A restart finds the state and does not apply the seed again (no second fleet).
    ecs.delete_service(cluster="demo", service="web", force=True)
    server.restart()
    ecs = server.client()
    assert ecs.describe_clusters(clusters=["demo"])["clusters"][0][
        "registeredContainerInstancesCount"] == 3
    assert ecs.describe_services(cluster="demo", services=["web"])["services"][0][
        "status"] != "ACTIVE"


def test_json_seed_from_the_environment(emulators, tmp_path):
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"requests": [{"CreateCluster": {"clusterName": "from-env"}}]}))
    server = emulators(ephemeral=True, env={**os.environ, "ECS_EMULATOR_SEED": str(seed)})
    assert server.client().list_clusters()["clusterArns"] == [cluster_arn("from-env")]


@pytest.mark.parametrize("content,expected", [
    ("requests:\n  - CreateCluster: {clusterName: ok}\n  - CreateService: {cluster: nope, "
     "serviceName: s, taskDefinition: x}\n",
     "request 1 (CreateService): ClusterNotFoundException"),
    ("requests:\n  - NoSuchThing: {}\n", "request 0 (NoSuchThing): UnknownOperationException"),
    ("clusters: []\n", "unknown member 'clusters'"),
    ("requests: [\n", "not valid YAML"),
])
def test_bad_seed_stops_start_up_with_one_line(tmp_path, content, expected):
    seed = tmp_path / "seed.yaml"
    seed.write_text(content)
    proc = subprocess.run([emulator_bin(), "--port", "0", "--ephemeral", "--seed", str(seed)],
                          capture_output=True, text=True, timeout=20)
    assert proc.returncode == 1
    assert "listening" not in proc.stdout
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("ecs-emulator: ") and expected in last and str(seed) in last, last
