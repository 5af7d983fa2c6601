-- RegisterTaskDefinition of a realistic definition (task_definition_body.lua): every request is a
-- new revision of one family per wrk thread, validated, normalized and durably committed.
local common = require("common")
local td = require("task_definition_body")
common.setup_operation("RegisterTaskDefinition")

local run = common.env("BENCH_RUN")
thread_id = 0  -- global: set per thread by setup()
local body = nil

setup = common.number_thread

function request()
  if body == nil then
    wrk.body = td.body(string.format("bench-reg-%s-%d", run, thread_id))
    body = wrk.format()
  end
  return body
end

done = common.done
