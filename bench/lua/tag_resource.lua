-- TagResource on one seeded cluster: a durable update per request. Keys cycle through 40
-- values so the cluster stays under ECS's 50-tag limit; values change so every write is real.
local common = require("common")
common.setup_operation("TagResource")

local arn = common.env("BENCH_CLUSTER_ARN")
local counter = 0
thread_id = 0  -- global: set per thread by setup()

setup = common.number_thread

function request()
  counter = counter + 1
  local body = string.format(
    '{"resourceArn":"%s","tags":[{"key":"bench-%d","value":"t%d-%d"}]}',
    arn, counter % 40, thread_id, counter)
  return wrk.format(nil, nil, nil, body)
end

done = common.done
