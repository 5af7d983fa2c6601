-- The task definition the task-definition scenarios register (bench/lua/task_definition.json,
-- also what helper.py seeds for describe_task_definition): a realistic two-container bridge
-- definition with port mappings, environment, secrets, a volume, log configuration, health
-- check, dependsOn, ulimits, a placement constraint and tags.
local M = {}

local function read_definition()
  local dir = package.searchpath("common", package.path):match("^(.*)/[^/]*$")
  local f = assert(io.open(dir .. "/task_definition.json", "r"))
  local text = f:read("*a"):gsub("%s+$", "")
  f:close()
  return text
end

local template = read_definition()

-- The definition as a request body, with its family replaced.
function M.body(family)
  local body, n = template:gsub('"family":"[^"]*"', '"family":"' .. family .. '"', 1)
  assert(n == 1, "task_definition.json has no family")
  return body
end

return M
