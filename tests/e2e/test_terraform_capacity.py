"""Terraform against the emulator: aws_ecs_cluster_capacity_providers and a service with a
capacity_provider_strategy apply, plan clean, update and destroy. Runs only where `terraform`
and the hashicorp/aws provider (a local mirror or plugin cache; no registry is reachable here)
are installed, and is skipped with the reason otherwise. aws_ecs_capacity_provider (an Auto
Scaling group provider) is not part of it yet: the provider's CRUD is built, but a service
cannot launch on one until the simulated Auto Scaling group behind it is."""
import os
import shutil
import subprocess
import textwrap

import pytest

CONFIG = textwrap.dedent("""
    terraform {{
      required_providers {{
        aws = {{ source = "hashicorp/aws" }}
      }}
    }}
    provider "aws" {{
      region                      = "us-east-1"
      access_key                  = "AKIAEXAMPLE"
      secret_key                  = "secret"
      skip_credentials_validation = true
      skip_requesting_account_id  = true
      skip_metadata_api_check     = true
      endpoints {{
        ecs = "{url}"
      }}
    }}
    resource "aws_ecs_cluster" "c" {{
      name = "tf-cp"
    }}
    resource "aws_ecs_cluster_capacity_providers" "c" {{
      cluster_name       = aws_ecs_cluster.c.name
      capacity_providers = ["FARGATE", "FARGATE_SPOT"]
      default_capacity_provider_strategy {{
        capacity_provider = "FARGATE"
        base              = 1
        weight            = 1
      }}
    }}
    resource "aws_ecs_task_definition" "t" {{
      family                   = "tf-cp"
      network_mode             = "awsvpc"
      requires_compatibilities = ["FARGATE"]
      cpu                      = "256"
      memory                   = "512"
      container_definitions    = jsonencode([{{ name = "app", image = "nginx", essential = true }}])
    }}
    resource "aws_ecs_service" "s" {{
      name            = "tf-cp"
      cluster         = aws_ecs_cluster.c.id
      task_definition = aws_ecs_task_definition.t.arn
      desired_count   = {count}
      network_configuration {{
        subnets = ["subnet-1"]
      }}
      capacity_provider_strategy {{
        capacity_provider = "FARGATE"
        base              = 1
        weight            = 1
      }}
      capacity_provider_strategy {{
        capacity_provider = "FARGATE_SPOT"
        weight            = 3
      }}
      depends_on = [aws_ecs_cluster_capacity_providers.c]
    }}
""")


def terraform(workdir, *args):
    return subprocess.run(["terraform", *args, "-no-color"], cwd=workdir, capture_output=True,
                          text=True, timeout=600, env={**os.environ, "TF_IN_AUTOMATION": "1"})


def test_terraform_capacity_providers(server, ecs, tmp_path):
    if shutil.which("terraform") is None:
        pytest.skip("terraform is not installed")
    url = server.url
    (tmp_path / "main.tf").write_text(CONFIG.format(url=url, count=4))
    init = terraform(tmp_path, "init", "-input=false")
    if init.returncode != 0:
        errors = [line for line in init.stderr.splitlines() if "Error" in line] or ["init failed"]
        pytest.skip("terraform cannot install the hashicorp/aws provider here (no registry "
                    "access and no local mirror): " + errors[0].strip())
    applied = terraform(tmp_path, "apply", "-auto-approve", "-input=false")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    c = ecs.describe_clusters(clusters=["tf-cp"])["clusters"][0]
    assert c["capacityProviders"] == ["FARGATE", "FARGATE_SPOT"]
    plan = terraform(tmp_path, "plan", "-detailed-exitcode", "-input=false")
    assert plan.returncode == 0, plan.stdout + plan.stderr  # 0: no changes
    (tmp_path / "main.tf").write_text(CONFIG.format(url=url, count=2))
    updated = terraform(tmp_path, "apply", "-auto-approve", "-input=false")
    assert updated.returncode == 0, updated.stdout + updated.stderr
    svc = ecs.describe_services(cluster="tf-cp", services=["tf-cp"])["services"][0]
    assert svc["desiredCount"] == 2
    destroyed = terraform(tmp_path, "destroy", "-auto-approve", "-input=false")
    assert destroyed.returncode == 0, destroyed.stdout + destroyed.stderr
