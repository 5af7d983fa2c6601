-- RunTask, count 10, EC2 placement (no strategy: random) on a cluster of 1,000 instances that
-- already runs 10,000 tasks (bench/seed_tasks.py run_task). Tasks placed per second =
-- req/s x BENCH_TASKS_PER_REQUEST. The clock is frozen, so the placed tasks stay PENDING.
local common = require("common")
common.setup_operation("RunTask")
wrk.body = common.env("BENCH_BODY")
done = common.done
