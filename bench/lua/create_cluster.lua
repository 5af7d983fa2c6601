-- CreateCluster with a new name per request, so every request is a real durable insert
-- (an existing ACTIVE name would be an idempotent read). Names: bench-<run>-<thread>-<n>.
local common = require("common")
common.setup_operation("CreateCluster")

local run = common.env("BENCH_RUN")
local counter = 0
thread_id = 0  -- global: set per thread by setup()

setup = common.number_thread

function request()
  counter = counter + 1
  local name = string.format("bench-%s-%d-%d", run, thread_id, counter)
  return wrk.format(nil, nil, nil, '{"clusterName":"' .. name .. '"}')
end

done = common.done
