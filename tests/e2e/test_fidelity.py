"""Issue 11's fidelity fixes, each pinned to AWS's error code and text (or documented behaviour),
driven by boto3 and the AWS CLI v2 against the real binary. (The task-definition ones live in
test_task_definitions.py next to the other RegisterTaskDefinition errors.)"""

import pytest
from botocore.exceptions import ClientError

from conftest import DEFAULT_ACCOUNT, DEFAULT_REGION, error_code, error_message
from svchelpers import definition, describe, fleet, wait_stable

LAUNCH_TYPES = "launch type should be one of [EC2,FARGATE,EXTERNAL,MANAGED_INSTANCES]"


def test_run_task_and_create_service_with_an_invalid_launch_type(ecs, aws):
    ecs.create_cluster(clusterName="lt")
    td = definition(ecs, family="lt")
    for call in (lambda: ecs.run_task(cluster="lt", taskDefinition=td, launchType="MOON"),
                 lambda: ecs.create_service(cluster="lt", serviceName="s", taskDefinition=td,
                                            desiredCount=1, launchType="MOON")):
        with pytest.raises(ClientError) as ei:
            call()
        assert (error_code(ei), error_message(ei)) == ("InvalidParameterException", LAUNCH_TYPES)
    p = aws.run("run-task", "--cluster", "lt", "--task-definition", td, "--launch-type", "MOON")
    assert p.returncode != 0 and "InvalidParameterException" in p.stderr and LAUNCH_TYPES in p.stderr
    assert ecs.list_services(cluster="lt")["serviceArns"] == []
    assert ecs.list_tasks(cluster="lt")["taskArns"] == []


SETTING_NAMES = ("name should be one of [serviceLongArnFormat,taskLongArnFormat,containerInstanceLongArnFormat,"
                 "awsvpcTrunking,containerInsights,fargateFIPSMode,tagResourceAuthorization,"
                 "fargateTaskRetirementWaitPeriod,guardDutyActivate,defaultLogDriverMode,fargateEventWindows]")


def test_account_settings_with_an_unknown_name(ecs):
    for call in (lambda: ecs.list_account_settings(name="bogusSetting"),
                 lambda: ecs.put_account_setting(name="bogusSetting", value="enabled")):
        with pytest.raises(ClientError) as ei:
            call()
        assert (error_code(ei), error_message(ei)) == ("InvalidParameterException", SETTING_NAMES)


def test_tagging_through_a_short_format_arn(ecs):
    short = [f"arn:aws:ecs:{DEFAULT_REGION}:{DEFAULT_ACCOUNT}:service/web",
             f"arn:aws:ecs:{DEFAULT_REGION}:{DEFAULT_ACCOUNT}:task/0123456789abcdef0123456789abcdef",
             f"arn:aws:ecs:{DEFAULT_REGION}:{DEFAULT_ACCOUNT}:container-instance/0123456789abcdef"]
    for arn in short:
        for call in (lambda: ecs.list_tags_for_resource(resourceArn=arn),
                     lambda: ecs.tag_resource(resourceArn=arn, tags=[{"key": "k", "value": "v"}])):
            with pytest.raises(ClientError) as ei:
                call()
            assert (error_code(ei), error_message(ei)) == (
                "InvalidParameterException", "Long arn format must be used for tagging operations"), arn


def test_load_balancer_entry_with_both_a_name_and_a_target_group(ecs):
    ecs.create_cluster(clusterName="lb")
    td = definition(ecs, family="lb")
    with pytest.raises(ClientError) as ei:
        ecs.create_service(cluster="lb", serviceName="s", taskDefinition=td, desiredCount=1,
                           loadBalancers=[{"loadBalancerName": "classic",
                                           "targetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:"
                                                             "000000000000:targetgroup/tg/0123456789abcdef",
                                           "containerName": "app", "containerPort": 80}])
    # AWS's text, as observed in aws/amazon-ecs-cli#211.
    assert (error_code(ei), error_message(ei)) == (
        "InvalidParameterException",
        "loadBalancerName and targetGroupArn cannot both be specified. You must specify either a load "
        "BalancerName or a targetGroupArn.")
    assert ecs.list_services(cluster="lb")["serviceArns"] == []


def test_daemon_maximum_percent_above_100(ecs):
    ecs.create_cluster(clusterName="dm")
    td = definition(ecs, family="dm")
    with pytest.raises(ClientError) as ei:
        ecs.create_service(cluster="dm", serviceName="d", taskDefinition=td, schedulingStrategy="DAEMON",
                           deploymentConfiguration={"maximumPercent": 200})
    assert (error_code(ei), error_message(ei)) == (
        "InvalidParameterException",
        "The daemon scheduling strategy does not support values above 100 for maximumPercent on a deployment "
        "configuration. Change the maximumPercent value to 100, and try again")
    assert ecs.list_services(cluster="dm")["serviceArns"] == []


def test_replica_maximum_percent_below_100_bounds_only_deployments(server, ecs):
    """The model's DeploymentConfiguration.maximumPercent: "an upper limit on the number of your
    service's tasks that are allowed in the RUNNING or PENDING state during a deployment" (same text
    in the AWS SDK references, e.g. the Kotlin SDK's DeploymentConfiguration.maximumPercent). So a
    new service at 50 % reaches its desired count (it used to stall at half of it)."""
    ecs.create_cluster(clusterName="mp")
    fleet(server, cluster="mp", count=3)
    td = definition(ecs, family="mp")
    ecs.create_service(cluster="mp", serviceName="s", taskDefinition=td, desiredCount=4,
                       deploymentConfiguration={"maximumPercent": 50, "minimumHealthyPercent": 0})
    svc = wait_stable(ecs, "mp", "s")
    assert svc["runningCount"] == 4
    assert svc["deploymentConfiguration"]["maximumPercent"] == 50
    # A rolling update completes too; the bound while old tasks are replaced is pinned on the
    # manual clock in tests/scheduler/deployment_planner_test.cc.
    td2 = definition(ecs, family="mp", image="nginx:1.27")
    ecs.update_service(cluster="mp", service="s", taskDefinition=td2)
    svc = wait_stable(ecs, "mp", "s")
    assert svc["runningCount"] == 4 and svc["taskDefinition"] == td2


def test_daemon_service_shows_its_desired_count_right_after_create(server, ecs, aws):
    ecs.create_cluster(clusterName="dd")
    fleet(server, cluster="dd", count=3)
    td = definition(ecs, family="dd")
    created = ecs.create_service(cluster="dd", serviceName="d", taskDefinition=td, schedulingStrategy="DAEMON")
    assert created["service"]["desiredCount"] == 3
    assert created["service"]["deployments"][0]["desiredCount"] == 3
    assert describe(ecs, "dd", "d")["desiredCount"] == 3
    out = aws("describe-services", "--cluster", "dd", "--services", "d")
    assert out["services"][0]["desiredCount"] == 3
