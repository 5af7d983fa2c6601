"""Terraform against the emulator: aws_ecs_cluster_capacity_providers and a service with a
capacity_provider_strategy apply, plan clean, update and destroy, first on the Fargate providers,
then on an aws_ecs_capacity_provider whose Auto Scaling group is a simulated one
(POST /_emulator/fleets), its service's tasks placed on the instances managed scaling launches.
Runs only where `terraform` and the hashicorp/aws provider (a local mirror or plugin cache; no
registry is reachable here) are installed, and is skipped with the reason otherwise."""
import os
import shutil
import subprocess
import textwrap

import pytest

from svchelpers import admin

# The AWS provider pointed at the emulator; both configurations start with it.
PROVIDER = """
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
"""

CONFIG = textwrap.dedent(PROVIDER + """
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


ASG_CONFIG = textwrap.dedent(PROVIDER + """
    resource "aws_ecs_cluster" "a" {{
      name = "tf-asg"
    }}
    resource "aws_ecs_capacity_provider" "asg" {{
      name = "tf-asg"
      auto_scaling_group_provider {{
        auto_scaling_group_arn = "{group_arn}"
        managed_scaling {{
          status                 = "ENABLED"
          target_capacity        = {target}
          instance_warmup_period = 0
        }}
      }}
    }}
    resource "aws_ecs_cluster_capacity_providers" "a" {{
      cluster_name       = aws_ecs_cluster.a.name
      capacity_providers = [aws_ecs_capacity_provider.asg.name]
      default_capacity_provider_strategy {{
        capacity_provider = aws_ecs_capacity_provider.asg.name
        weight            = 1
      }}
    }}
    resource "aws_ecs_task_definition" "t" {{
      family                   = "tf-asg"
      requires_compatibilities = ["EC2"]
      container_definitions    = jsonencode([{{ name = "app", image = "nginx", essential = true,
                                                cpu = 1024, memory = 512 }}])
    }}
    resource "aws_ecs_service" "s" {{
      name            = "tf-asg"
      cluster         = aws_ecs_cluster.a.id
      task_definition = aws_ecs_task_definition.t.arn
      desired_count   = {count}
      capacity_provider_strategy {{
        capacity_provider = aws_ecs_capacity_provider.asg.name
        weight            = 1
      }}
      depends_on = [aws_ecs_cluster_capacity_providers.a]
    }}
""")


def terraform(workdir, *args):
    return subprocess.run(["terraform", *args, "-no-color"], cwd=workdir, capture_output=True,
                          text=True, timeout=600, env={**os.environ, "TF_IN_AUTOMATION": "1"})


def init_or_skip(workdir):
    if shutil.which("terraform") is None:
        pytest.skip("terraform is not installed")
    init = terraform(workdir, "init", "-input=false")
    if init.returncode != 0:
        errors = [line for line in init.stderr.splitlines() if "Error" in line] or ["init failed"]
        pytest.skip("terraform cannot install the hashicorp/aws provider here (no registry "
                    "access and no local mirror): " + errors[0].strip())


def test_terraform_capacity_providers(server, ecs, tmp_path):
    url = server.url
    (tmp_path / "main.tf").write_text(CONFIG.format(url=url, count=4))
    init_or_skip(tmp_path)
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


def test_terraform_auto_scaling_group_provider(server, ecs, tmp_path):
    url = server.url
    group_arn = ("arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroup:7a1c:"
                 "autoScalingGroupName/tf-asg-group")
    config = tmp_path / "main.tf"
    config.write_text(ASG_CONFIG.format(url=url, group_arn=group_arn, target=100, count=2))
    init_or_skip(tmp_path)
    status, out = admin(server, "fleets", {"cluster": "tf-asg", "createCluster": True,
                                           "autoScalingGroup": group_arn, "min": 0, "max": 4,
                                           "desired": 0})
    assert status == 200, out
    applied = terraform(tmp_path, "apply", "-auto-approve", "-input=false")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    cp = ecs.describe_capacity_providers(capacityProviders=["tf-asg"])["capacityProviders"][0]
    assert cp["autoScalingGroupProvider"]["managedScaling"]["targetCapacity"] == 100
    # The service's two 1-vCPU tasks run on the instance managed scaling launched for them.
    tasks = ecs.describe_tasks(cluster="tf-asg", tasks=ecs.list_tasks(
        cluster="tf-asg", serviceName="tf-asg")["taskArns"])["tasks"]
    assert [(t["lastStatus"], t["capacityProviderName"]) for t in tasks] == \
        [("RUNNING", "tf-asg")] * 2
    plan = terraform(tmp_path, "plan", "-detailed-exitcode", "-input=false")
    assert plan.returncode == 0, plan.stdout + plan.stderr  # 0: no changes
    config.write_text(ASG_CONFIG.format(url=url, group_arn=group_arn, target=90, count=3))
    updated = terraform(tmp_path, "apply", "-auto-approve", "-input=false")
    assert updated.returncode == 0, updated.stdout + updated.stderr
    cp = ecs.describe_capacity_providers(capacityProviders=["tf-asg"])["capacityProviders"][0]
    assert cp["autoScalingGroupProvider"]["managedScaling"]["targetCapacity"] == 90
    svc = ecs.describe_services(cluster="tf-asg", services=["tf-asg"])["services"][0]
    assert (svc["desiredCount"], svc["runningCount"]) == (3, 3)
    plan = terraform(tmp_path, "plan", "-detailed-exitcode", "-input=false")
    assert plan.returncode == 0, plan.stdout + plan.stderr
    destroyed = terraform(tmp_path, "destroy", "-auto-approve", "-input=false")
    assert destroyed.returncode == 0, destroyed.stdout + destroyed.stderr
    gone = ecs.describe_capacity_providers(capacityProviders=["tf-asg"])["capacityProviders"]
    assert gone == [] or gone[0]["status"] == "INACTIVE"
