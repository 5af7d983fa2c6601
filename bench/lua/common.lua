-- Shared by every bench/lua scenario (bench/run puts bench/lua on LUA_PATH).
--
-- A scenario sets its request (static, or per request via request()) and exports
-- `done = common.done`, which prints the one line bench/run parses:
--   BENCH requests=N rps=R p50_ms=X p99_ms=Y errors=E
-- errors counts socket errors, timeouts and non-2xx/3xx answers: a scenario whose requests
-- fail does not get to report a fast number silently.
local M = {}

M.target_prefix = "AmazonEC2ContainerServiceV20141113."

-- Every request is AWS JSON 1.1: POST / with the operation in X-Amz-Target.
function M.setup_operation(op)
  wrk.method = "POST"
  wrk.path = "/"
  wrk.headers["Content-Type"] = "application/x-amz-json-1.1"
  wrk.headers["X-Amz-Target"] = M.target_prefix .. op
end

-- A required environment variable (bench/run exports what the seeding step created).
function M.env(name)
  local value = os.getenv(name)
  if value == nil or value == "" then
    error(name .. " is not set (run scenarios through bench/run)")
  end
  return value
end

-- Numbers each wrk thread: call from setup(thread), read the global `thread_id` in request().
local threads_made = 0
function M.number_thread(thread)
  threads_made = threads_made + 1
  thread:set("thread_id", threads_made)
end

function M.done(summary, latency, requests)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.timeout + e.status
  local seconds = summary.duration / 1e6
  io.write(string.format("BENCH requests=%d rps=%.0f p50_ms=%.3f p99_ms=%.3f errors=%d\n",
    summary.requests, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors))
end

return M
