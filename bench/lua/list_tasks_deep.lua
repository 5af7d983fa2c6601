-- ListTasks, the page of 100 after task 50,000 (a nextToken from the middle): the cost per page
-- must not grow with the depth.
local common = require("common")
common.setup_operation("ListTasks")
wrk.body = common.env("BENCH_BODY_DEEP")
done = common.done
