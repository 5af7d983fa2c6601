-- DescribeTaskDefinition of the seeded definition by family (latest ACTIVE revision) with
-- include TAGS: what `aws ecs describe-task-definition` and Terraform's refresh send.
local common = require("common")
common.setup_operation("DescribeTaskDefinition")
wrk.body = '{"taskDefinition":"' .. common.env("BENCH_TASK_DEFINITION") .. '","include":["TAGS"]}'
done = common.done
