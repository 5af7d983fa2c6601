-- ListTasks, first page of 100 over a cluster of 100,000 tasks (bench/seed_tasks.py list_tasks).
local common = require("common")
common.setup_operation("ListTasks")
wrk.body = common.env("BENCH_BODY_FIRST")
done = common.done
