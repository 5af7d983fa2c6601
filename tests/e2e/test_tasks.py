"""Tasks end to end with boto3 and the AWS CLI v2: RunTask/StartTask/StopTask, the simulated
lifecycle seen through the real waiters (default delays), failures and partial success,
DescribeTasks/ListTasks, Fargate with an ENI, the agent's state-change calls, idempotency,
counters, restart persistence and the --task-*-ms flags."""
import json
import re
import time

import pytest
from botocore.exceptions import ClientError

from conftest import AwsCliError, error_code, error_message, json_error
from taskhelpers import (clock, fargate_definition, fleet, remaining, simple_definition,
                         wait_status)

TASK_ARN = re.compile(r"arn:aws:ecs:us-east-1:000000000000:task/(\w+)/[0-9a-f]{32}")
DEFAULT_PORTS = ["22", "2376", "2375", "51678", "51679"]


def test_cli_run_wait_running_stop_wait_stopped_with_default_delays(server, aws):
    fleet(server, count=3)
    aws("register-task-definition", "--family", "web", "--container-definitions",
        '[{"name":"web","image":"nginx","cpu":128,"memory":256,"portMappings":[{"containerPort":80}]}]')
    run = aws("run-task", "--task-definition", "web", "--count", "4")
    assert run["failures"] == []
    arns = [t["taskArn"] for t in run["tasks"]]
    assert len(arns) == 4 and all(TASK_ARN.fullmatch(a) for a in arns)
    assert {t["lastStatus"] for t in run["tasks"]} == {"PENDING"}
    assert {t["desiredStatus"] for t in run["tasks"]} == {"RUNNING"}

    # Default waiter: first poll at once, then every 6 s. The lifecycle takes 200 ms, so the
    # first or second poll succeeds.
    t0 = time.monotonic()
    aws("wait", "tasks-running", "--tasks", *arns)
    assert time.monotonic() - t0 < 9

    described = aws("describe-tasks", "--tasks", *arns)
    for t in described["tasks"]:
        assert t["lastStatus"] == "RUNNING"
        assert t["containers"][0]["lastStatus"] == "RUNNING"
        binding = t["containers"][0]["networkBindings"][0]
        assert binding["containerPort"] == 80 and binding["hostPort"] >= 49153
        assert t["startedAt"] and t["pullStartedAt"] and t["pullStoppedAt"] and t["connectivity"] == "CONNECTED"
        assert t["version"] == 2

    stopped = aws("stop-task", "--task", arns[0], "--reason", "done here")
    assert stopped["task"]["desiredStatus"] == "STOPPED"
    assert stopped["task"]["stoppedReason"] == "done here"
    assert stopped["task"]["stopCode"] == "UserInitiated"
    for a in arns[1:]:
        aws("stop-task", "--task", a)
    t0 = time.monotonic()
    aws("wait", "tasks-stopped", "--tasks", *arns)
    assert time.monotonic() - t0 < 9
    final = aws("describe-tasks", "--tasks", *arns)["tasks"]
    assert {t["lastStatus"] for t in final} == {"STOPPED"}
    assert all(t["stoppedAt"] and t["executionStoppedAt"] and t["stoppingAt"] for t in final)
    assert final[1]["stoppedReason"] == "Task stopped by user"


def test_boto3_waiters_with_default_config(server, ecs):
    fleet(server, count=2)
    td = simple_definition(ecs)
    arns = [t["taskArn"] for t in ecs.run_task(taskDefinition=td, count=3)["tasks"]]
    t0 = time.monotonic()
    ecs.get_waiter("tasks_running").wait(tasks=arns)
    assert time.monotonic() - t0 < 9
    for a in arns:
        ecs.stop_task(task=a)
    t0 = time.monotonic()
    ecs.get_waiter("tasks_stopped").wait(tasks=arns)
    assert time.monotonic() - t0 < 9


def test_resources_reserved_and_released(server, ecs):
    [ci_arn] = fleet(server, cluster="r", count=1, instance_type="m5.large")
    td = simple_definition(ecs, cpu=256, memory=512,
                           ports=[{"containerPort": 80, "hostPort": 8080},
                                  {"containerPort": 53, "hostPort": 5353, "protocol": "udp"},
                                  {"containerPort": 9000}])
    # Frozen: the task stays PENDING (with the default instant timing it would be RUNNING by the
    # next request), so what a pending task reserves and counts can be seen.
    clock(server, "freeze")
    task = ecs.run_task(cluster="r", taskDefinition=td)["tasks"][0]
    ci = ecs.describe_container_instances(cluster="r", containerInstances=[ci_arn])["containerInstances"][0]
    assert remaining(ci, "CPU") == 2048 - 256
    assert remaining(ci, "MEMORY") == 7681 - 512
    assert remaining(ci, "PORTS") == DEFAULT_PORTS + ["8080"]
    assert remaining(ci, "PORTS_UDP") == ["5353"]
    assert ci["pendingTasksCount"] == 1 and ci["runningTasksCount"] == 1
    clock(server, "release")
    wait_status(ecs, "r", [task["taskArn"]], "RUNNING")
    ci = ecs.describe_container_instances(cluster="r", containerInstances=[ci_arn])["containerInstances"][0]
    assert ci["pendingTasksCount"] == 0 and ci["runningTasksCount"] == 1

    second = ecs.run_task(cluster="r", taskDefinition=td)
    assert second["tasks"] == []
    assert second["failures"] == [{"arn": ci_arn, "reason": "RESOURCE:PORTS"}]

    ecs.stop_task(cluster="r", task=task["taskArn"])
    ecs.get_waiter("tasks_stopped").wait(cluster="r", tasks=[task["taskArn"]], WaiterConfig={"Delay": 1})
    ci = ecs.describe_container_instances(cluster="r", containerInstances=[ci_arn])["containerInstances"][0]
    assert ci["remainingResources"] == ci["registeredResources"]
    assert ci["runningTasksCount"] == 0


def test_exhausting_capacity_gives_failures_and_partial_success(server, ecs):
    arns = fleet(server, cluster="small", count=2, instance_type="t2.micro")  # 1024 cpu, 985 MiB
    td = simple_definition(ecs, cpu=100, memory=300)
    out = ecs.run_task(cluster="small", taskDefinition=td, count=10)
    assert len(out["tasks"]) == 6  # three of 300 MiB fit in 985 MiB, on each of two instances
    assert len(out["failures"]) == 4
    assert {f["reason"] for f in out["failures"]} == {"RESOURCE:MEMORY"}
    assert {f["arn"] for f in out["failures"]} <= set(arns)
    full = ecs.run_task(cluster="small", taskDefinition=td, count=2)
    assert full["tasks"] == [] and len(full["failures"]) == 2
    cpu_heavy = simple_definition(ecs, family="cpu", cpu=2000, memory=10)
    assert ecs.run_task(cluster="small", taskDefinition=cpu_heavy)["failures"][0]["reason"] == "RESOURCE:CPU"
    counts = ecs.describe_clusters(clusters=["small"])["clusters"][0]
    assert counts["pendingTasksCount"] + counts["runningTasksCount"] == 6


def test_cluster_without_instances_is_an_error(ecs, aws):
    ecs.create_cluster(clusterName="empty")
    td = simple_definition(ecs)
    with pytest.raises(ClientError) as e:
        ecs.run_task(cluster="empty", taskDefinition=td)
    assert error_code(e) == "InvalidParameterException"
    assert error_message(e) == "No Container Instances were found in your cluster."
    with pytest.raises(AwsCliError) as e:
        aws("run-task", "--cluster", "empty", "--task-definition", "web")
    assert e.value.code == "InvalidParameterException"
    with pytest.raises(ClientError) as e:
        ecs.run_task(cluster="nope", taskDefinition=td)
    assert error_code(e) == "ClusterNotFoundException"


def test_describe_tasks_missing_tags_and_overrides(server, ecs):
    fleet(server, count=1)
    ecs.register_task_definition(
        family="two", tags=[{"key": "from", "value": "td"}],
        containerDefinitions=[{"name": "a", "image": "x", "cpu": 100, "memory": 512, "memoryReservation": 128},
                              {"name": "b", "image": "y", "cpu": 50, "memory": 64, "essential": False}])
    run = ecs.run_task(taskDefinition="two", tags=[{"key": "k", "value": "v"}], propagateTags="TASK_DEFINITION",
                       startedBy="me", group="batch",
                       overrides={"containerOverrides": [{"name": "a", "cpu": 300, "memoryReservation": 256}]})
    task = run["tasks"][0]
    assert task["cpu"] == "350" and task["memory"] == "320"
    assert task["overrides"]["containerOverrides"] == [{"name": "a", "cpu": 300, "memoryReservation": 256},
                                                       {"name": "b"}]
    assert task["group"] == "batch" and task["startedBy"] == "me"
    assert sorted(t["key"] for t in task["tags"]) == ["from", "k"]
    assert [c["cpu"] for c in task["containers"]] == ["300", "50"]
    assert task["containers"][0]["memoryReservation"] == "256"
    missing = "0123456789abcdef0123456789abcdef"
    out = ecs.describe_tasks(tasks=[task["taskArn"], missing], include=["TAGS"])
    assert sorted(t["key"] for t in out["tasks"][0]["tags"]) == ["from", "k"]
    assert out["failures"] == [{"arn": f"arn:aws:ecs:us-east-1:000000000000:task/default/{missing}",
                                "reason": "MISSING"}]
    assert "tags" not in ecs.describe_tasks(tasks=[task["taskArn"]])["tasks"][0] or \
        ecs.describe_tasks(tasks=[task["taskArn"]])["tasks"][0]["tags"] == []
    with pytest.raises(ClientError) as e:
        ecs.describe_tasks(tasks=[])
    assert error_message(e) == "Tasks cannot be empty."
    with pytest.raises(ClientError) as e:
        ecs.run_task(taskDefinition="two", overrides={"containerOverrides": [{"name": "zzz", "cpu": 1}]})
    assert error_code(e) == "InvalidParameterException"


def test_list_tasks_every_filter_and_pagination(server, ecs, aws):
    arns = fleet(server, cluster="l", count=2)
    web = simple_definition(ecs, family="web", memory=64)
    db = simple_definition(ecs, family="db", memory=64)
    fg = fargate_definition(ecs)
    net = {"awsvpcConfiguration": {"subnets": ["subnet-1"]}}
    web_tasks = ecs.run_task(cluster="l", taskDefinition=web, count=5, startedBy="ci",
                             placementStrategy=[{"type": "spread", "field": "instanceId"}])["tasks"]
    db_tasks = ecs.run_task(cluster="l", taskDefinition=db, count=2)["tasks"]
    fg_task = ecs.run_task(cluster="l", taskDefinition=fg, launchType="FARGATE", networkConfiguration=net)["tasks"][0]
    ecs.stop_task(cluster="l", task=db_tasks[1]["taskArn"])

    def listed(**kw):
        return [a for p in ecs.get_paginator("list_tasks").paginate(cluster="l", **kw) for a in p["taskArns"]]

    everything = [t["taskArn"] for t in web_tasks + db_tasks[:1]] + [fg_task["taskArn"]]
    assert listed() == everything
    assert listed(desiredStatus="RUNNING") == everything
    assert listed(desiredStatus="STOPPED") == [db_tasks[1]["taskArn"]]
    assert listed(desiredStatus="PENDING") == []
    assert listed(family="web") == [t["taskArn"] for t in web_tasks]
    assert listed(startedBy="ci") == [t["taskArn"] for t in web_tasks]
    assert listed(launchType="FARGATE") == [fg_task["taskArn"]]
    assert listed(launchType="EC2") == everything[:-1]
    on_first = [t["taskArn"] for t in web_tasks + db_tasks[:1] if t["containerInstanceArn"] == arns[0]]
    assert listed(containerInstance=arns[0]) == on_first
    assert listed(containerInstance=arns[0].rsplit("/", 1)[1]) == on_first
    with pytest.raises(ClientError) as e:
        ecs.list_tasks(cluster="l", startedBy="ci", family="web")
    assert error_code(e) == "InvalidParameterException"
    with pytest.raises(ClientError) as e:
        ecs.list_tasks(cluster="l", serviceName="none")
    assert error_code(e) == "ServiceNotFoundException"

    pages = list(ecs.get_paginator("list_tasks").paginate(cluster="l", PaginationConfig={"PageSize": 3}))
    assert [len(p["taskArns"]) for p in pages] == [3, 3, 1]
    assert "nextToken" not in pages[-1]
    first = ecs.list_tasks(cluster="l", maxResults=3)
    with pytest.raises(ClientError) as e:
        ecs.list_tasks(cluster="l", family="web", nextToken=first["nextToken"])
    assert error_code(e) == "InvalidParameterException"
    # The CLI pages on its own.
    assert aws("list-tasks", "--cluster", "l", "--page-size", "2")["taskArns"] == everything
    assert aws("list-tasks", "--cluster", "l", "--family", "db", "--desired-status", "STOPPED")["taskArns"] == \
        [db_tasks[1]["taskArn"]]


def test_fargate_task_with_eni(server, ecs, aws):
    ecs.create_cluster(clusterName="fg")
    td = fargate_definition(ecs)
    run = aws("run-task", "--cluster", "fg", "--task-definition", td, "--launch-type", "FARGATE", "--count", "2",
              "--network-configuration",
              "awsvpcConfiguration={subnets=[subnet-aaa,subnet-bbb],securityGroups=[sg-1],assignPublicIp=ENABLED}")
    assert run["failures"] == []
    tasks = run["tasks"]
    for t in tasks:
        assert t["lastStatus"] == "PROVISIONING"
        assert t["launchType"] == "FARGATE"
        assert t["platformVersion"] == "1.4.0" and t["platformFamily"] == "Linux"
        assert "containerInstanceArn" not in t
        assert t["cpu"] == "256" and t["memory"] == "512"
        [att] = t["attachments"]
        assert att["type"] == "ElasticNetworkInterface" and att["status"] == "PRECREATED"
    arns = [t["taskArn"] for t in tasks]
    aws("wait", "tasks-running", "--cluster", "fg", "--tasks", *arns)
    running = ecs.describe_tasks(cluster="fg", tasks=arns)["tasks"]
    subnets = []
    for t in running:
        [att] = t["attachments"]
        assert att["status"] == "ATTACHED"
        details = {d["name"]: d["value"] for d in att["details"]}
        subnets.append(details["subnetId"])
        assert re.fullmatch(r"10\.0\.\d+\.\d+", details["privateIPv4Address"])
        assert details["networkInterfaceId"].startswith("eni-")
        assert re.fullmatch(r"([0-9a-f]{2}:){5}[0-9a-f]{2}", details["macAddress"])
        assert details["privateDnsName"].startswith("ip-10-0-")
        assert t["containers"][0]["networkInterfaces"][0]["privateIpv4Address"] == details["privateIPv4Address"]
        assert t["availabilityZone"].startswith("us-east-1")
        assert t["ephemeralStorage"] == {"sizeInGiB": 20}
    assert sorted(subnets) == ["subnet-aaa", "subnet-bbb"]
    stats = ecs.describe_clusters(clusters=["fg"], include=["STATISTICS"])["clusters"][0]
    assert stats["runningTasksCount"] == 2
    assert {s["name"]: s["value"] for s in stats["statistics"]}["runningFargateTasksCount"] == "2"
    ecs.stop_task(cluster="fg", task=arns[0])
    ecs.get_waiter("tasks_stopped").wait(cluster="fg", tasks=arns[:1], WaiterConfig={"Delay": 1})
    done = ecs.describe_tasks(cluster="fg", tasks=arns[:1])["tasks"][0]
    assert done["attachments"][0]["status"] == "DETACHED"

    with pytest.raises(ClientError) as e:
        ecs.run_task(cluster="fg", taskDefinition=td, launchType="FARGATE")
    assert error_code(e) == "InvalidParameterException"


def test_awsvpc_on_ec2_provisions_then_runs(server, ecs):
    fleet(server, cluster="v", count=1)
    ecs.register_task_definition(family="vpc", networkMode="awsvpc",
                                 containerDefinitions=[{"name": "a", "image": "x", "memory": 128,
                                                        "portMappings": [{"containerPort": 8080}]}])
    t = ecs.run_task(cluster="v", taskDefinition="vpc",
                     networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-1"]}})["tasks"][0]
    assert t["lastStatus"] == "PROVISIONING"
    assert t["launchType"] == "EC2" and t["containerInstanceArn"]
    [running] = wait_status(ecs, "v", [t["taskArn"]], "RUNNING")
    assert running["containers"][0]["networkBindings"] == []  # ports live on the ENI
    ci = ecs.describe_container_instances(cluster="v", containerInstances=[t["containerInstanceArn"]])
    assert remaining(ci["containerInstances"][0], "PORTS") == DEFAULT_PORTS


def test_client_token_idempotency_and_conflict(server, ecs, raw):
    # botocore 1.29 predates clientToken: send the requests by hand.
    fleet(server, count=2)
    td = simple_definition(ecs)
    body = {"taskDefinition": td, "count": 2, "clientToken": "abc-123"}
    status, _, first = raw("RunTask", body)
    assert status == 200
    first = json.loads(first)
    status, _, again = raw("RunTask", body)
    assert status == 200
    assert [t["taskArn"] for t in json.loads(again)["tasks"]] == [t["taskArn"] for t in first["tasks"]]
    assert len(ecs.list_tasks()["taskArns"]) == 2
    status, code, message, obj = json_error(raw("RunTask", dict(body, count=3)))
    assert (status, code) == (400, "ConflictException")
    assert sorted(obj["resourceIds"]) == sorted(t["taskArn"] for t in first["tasks"])
    # Another token is another request.
    status, _, other = raw("RunTask", dict(body, clientToken="xyz"))
    assert status == 200 and len(ecs.list_tasks()["taskArns"]) == 4


def test_start_task_on_named_instances(server, ecs, aws):
    arns = fleet(server, count=2)
    td = simple_definition(ecs)
    out = aws("start-task", "--task-definition", td, "--container-instances", arns[1], "0" * 32,
              "--started-by", "manual")
    assert [t["containerInstanceArn"] for t in out["tasks"]] == [arns[1]]
    assert out["tasks"][0]["startedBy"] == "manual"
    assert out["failures"] == [{"arn": "arn:aws:ecs:us-east-1:000000000000:container-instance/default/" + "0" * 32,
                                "reason": "MISSING"}]
    ecs.deregister_container_instance(containerInstance=arns[0])
    out = ecs.start_task(taskDefinition=td, containerInstances=[arns[0]])
    assert out["failures"] == [{"arn": arns[0], "reason": "INACTIVE"}]


def test_agent_state_changes_stop_the_task(server, ecs):
    fleet(server, count=1)
    ecs.register_task_definition(family="pair", containerDefinitions=[
        {"name": "main", "image": "x", "memory": 64},
        {"name": "side", "image": "y", "memory": 64, "essential": False}])
    arn = ecs.run_task(taskDefinition="pair")["tasks"][0]["taskArn"]
    wait_status(ecs, "default", [arn], "RUNNING")
    ack = ecs.submit_container_state_change(task=arn, containerName="side", status="STOPPED", exitCode=0)
    assert ack["acknowledgment"]
    assert ecs.describe_tasks(tasks=[arn])["tasks"][0]["desiredStatus"] == "RUNNING"
    ecs.submit_container_state_change(task=arn, containerName="main", status="STOPPED", exitCode=2,
                                      reason="OutOfMemoryError")
    t = ecs.describe_tasks(tasks=[arn])["tasks"][0]
    assert t["desiredStatus"] == "STOPPED"
    assert t["stopCode"] == "EssentialContainerExited"
    assert t["stoppedReason"] == "Essential container in task exited"
    [stopped] = wait_status(ecs, "default", [arn], "STOPPED")
    by_name = {c["name"]: c for c in stopped["containers"]}
    assert by_name["main"]["exitCode"] == 2 and by_name["main"]["reason"] == "OutOfMemoryError"
    assert by_name["side"]["exitCode"] == 0

    # A task whose agent reports STOPPED before RUNNING failed to start (frozen: it stays
    # PENDING until the agent reports).
    clock(server, "freeze")
    arn2 = ecs.run_task(taskDefinition="pair")["tasks"][0]["taskArn"]
    ecs.submit_task_state_change(task=arn2, status="STOPPED", reason="CannotPullContainerError: nope")
    t2 = ecs.describe_tasks(tasks=[arn2])["tasks"][0]
    assert t2["lastStatus"] == "STOPPED" and t2["stopCode"] == "TaskFailedToStart"
    assert t2["stoppedReason"] == "CannotPullContainerError: nope"
    with pytest.raises(ClientError) as e:
        ecs.submit_task_state_change(task=arn2, status="RUNNING")
    assert error_code(e) == "InvalidParameterException"


def test_counters_and_delete_cluster(server, ecs):
    arns = fleet(server, cluster="k", count=2)
    td = simple_definition(ecs)
    clock(server, "freeze")  # the tasks stay PENDING until released
    tasks = ecs.run_task(cluster="k", taskDefinition=td, count=3)["tasks"]
    c = ecs.describe_clusters(clusters=["k"])["clusters"][0]
    assert (c["pendingTasksCount"], c["runningTasksCount"], c["registeredContainerInstancesCount"]) == (3, 0, 2)
    clock(server, "release")
    wait_status(ecs, "k", [t["taskArn"] for t in tasks], "RUNNING")
    c = ecs.describe_clusters(clusters=["k"], include=["STATISTICS"])["clusters"][0]
    assert (c["pendingTasksCount"], c["runningTasksCount"]) == (0, 3)
    assert {s["name"]: s["value"] for s in c["statistics"]}["runningEC2TasksCount"] == "3"
    for a in arns:
        ecs.deregister_container_instance(cluster="k", containerInstance=a, force=True)
    c = ecs.describe_clusters(clusters=["k"])["clusters"][0]
    assert c["registeredContainerInstancesCount"] == 0
    ecs.get_waiter("tasks_stopped").wait(cluster="k", tasks=[t["taskArn"] for t in tasks], WaiterConfig={"Delay": 1})
    c = ecs.describe_clusters(clusters=["k"])["clusters"][0]
    assert (c["pendingTasksCount"], c["runningTasksCount"]) == (0, 0)
    assert ecs.delete_cluster(cluster="k")["cluster"]["status"] == "INACTIVE"

    ecs.create_cluster(clusterName="ft")
    fg = fargate_definition(ecs)
    ecs.run_task(cluster="ft", taskDefinition=fg, launchType="FARGATE",
                 networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-1"]}})
    with pytest.raises(ClientError) as e:
        ecs.delete_cluster(cluster="ft")
    assert error_code(e) == "ClusterContainsTasksException"


def test_restart_keeps_running_tasks_and_reservations(server, ecs):
    arns = fleet(server, cluster="p", count=2)
    td = simple_definition(ecs, cpu=300, memory=700, ports=[{"containerPort": 80, "hostPort": 8080}])
    tasks = ecs.run_task(cluster="p", taskDefinition=td, count=2,
                         placementStrategy=[{"type": "spread", "field": "instanceId"}])["tasks"]
    task_arns = [t["taskArn"] for t in tasks]
    wait_status(ecs, "p", task_arns, "RUNNING")
    before_tasks = ecs.describe_tasks(cluster="p", tasks=task_arns)["tasks"]
    before_cis = ecs.describe_container_instances(cluster="p", containerInstances=arns)["containerInstances"]
    before_cluster = ecs.describe_clusters(clusters=["p"])["clusters"][0]

    server.restart()
    ecs = server.client()
    after_tasks = ecs.describe_tasks(cluster="p", tasks=task_arns)["tasks"]
    after_cis = ecs.describe_container_instances(cluster="p", containerInstances=arns)["containerInstances"]
    assert after_tasks == before_tasks
    assert [c["remainingResources"] for c in after_cis] == [c["remainingResources"] for c in before_cis]
    assert [c["runningTasksCount"] for c in after_cis] == [1, 1]
    assert ecs.describe_clusters(clusters=["p"])["clusters"][0] == before_cluster
    # Port 8080 is still taken on both instances.
    assert {f["reason"] for f in ecs.run_task(cluster="p", taskDefinition=td)["failures"]} == {"RESOURCE:PORTS"}
    # And the lifecycle continues after the restart.
    ecs.stop_task(cluster="p", task=task_arns[0])
    ecs.get_waiter("tasks_stopped").wait(cluster="p", tasks=task_arns[:1], WaiterConfig={"Delay": 1})
    assert len(ecs.run_task(cluster="p", taskDefinition=td)["tasks"]) == 1


def test_restart_mid_transition_finishes_the_step(server, ecs):
    fleet(server, count=1)
    td = simple_definition(ecs)
    arn = ecs.run_task(taskDefinition=td)["tasks"][0]["taskArn"]
    server.restart()  # the PENDING -> RUNNING step was due while the server was down
    ecs = server.client()
    wait_status(ecs, "default", [arn], "RUNNING")


def test_task_delay_flags(emulators):
    emu = emulators(ephemeral=True, extra_args=["--task-pending-ms", "1500", "--task-stopping-ms", "800",
                                                "--fleet", "cluster=default,count=1,type=m5.large"])
    ecs = emu.client()
    td = simple_definition(ecs)
    t0 = time.monotonic()
    arn = ecs.run_task(taskDefinition=td)["tasks"][0]["taskArn"]
    time.sleep(0.7)
    assert ecs.describe_tasks(tasks=[arn])["tasks"][0]["lastStatus"] == "PENDING"
    wait_status(ecs, "default", [arn], "RUNNING", timeout=5)
    assert time.monotonic() - t0 >= 1.4
    t = ecs.describe_tasks(tasks=[arn])["tasks"][0]
    assert abs((t["startedAt"] - t["createdAt"]).total_seconds() - 1.5) < 0.01
    ecs.stop_task(task=arn)
    time.sleep(0.4)
    assert ecs.describe_tasks(tasks=[arn])["tasks"][0]["lastStatus"] == "STOPPING"
    [done] = wait_status(ecs, "default", [arn], "STOPPED", timeout=5)
    assert abs((done["stoppedAt"] - done["stoppingAt"]).total_seconds() - 0.8) < 0.01


def test_fleet_flag_only_applies_to_empty_clusters(emulators):
    emu = emulators(extra_args=["--fleet", "cluster=prod,count=3,type=c5.large"])
    ecs = emu.client()
    first = ecs.list_container_instances(cluster="prod")["containerInstanceArns"]
    assert len(first) == 3
    emu.restart()
    assert emu.client().list_container_instances(cluster="prod")["containerInstanceArns"] == first


def test_fleet_environment_variable(emulators):
    import os
    env = dict(os.environ, ECS_EMULATOR_FLEET="cluster=a,count=2;cluster=b,count=1,type=t3.small")
    emu = emulators(ephemeral=True, env=env)
    ecs = emu.client()
    assert len(ecs.list_container_instances(cluster="a")["containerInstanceArns"]) == 2
    [b] = ecs.list_container_instances(cluster="b")["containerInstanceArns"]
    ci = ecs.describe_container_instances(cluster="b", containerInstances=[b])["containerInstances"][0]
    assert ci["registeredResources"][1]["integerValue"] == 1939
