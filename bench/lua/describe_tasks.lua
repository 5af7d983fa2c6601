-- DescribeTasks of 100 RUNNING tasks (bench/seed_tasks.py describe_tasks): ~150 KB per answer.
local common = require("common")
common.setup_operation("DescribeTasks")
wrk.body = common.env("BENCH_BODY")
done = common.done
