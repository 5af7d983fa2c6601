-- DescribeServices of one service per request, cycling over BENCH_SERVICES services named
-- svc-0 .. svc-N-1 in cluster BENCH_CLUSTER_NAME (seeded by bench/services.py), each with its
-- deployments and up to 100 events: what `aws ecs wait services-stable` polls.
local common = require("common")
common.setup_operation("DescribeServices")
local cluster = common.env("BENCH_CLUSTER_NAME")
local count = tonumber(common.env("BENCH_SERVICES"))
local per_request = tonumber(os.getenv("BENCH_SERVICES_PER_REQUEST") or "1")
local n = 0

function setup(thread)
  common.number_thread(thread)
end

function request()
  n = n + 1
  local names = {}
  for i = 0, per_request - 1 do
    names[#names + 1] = '"svc-' .. ((n * 7 + (thread_id or 0) * 13 + i) % count) .. '"'
  end
  return wrk.format(nil, nil, nil,
    '{"cluster":"' .. cluster .. '","services":[' .. table.concat(names, ",") .. ']}')
end

done = common.done
