-- wrk script: POST the JSON bodies in the file named by $BENCH_BODY_FILE, one body a line,
-- each in turn (a one-line file posts the same body every time). "{n}" in a body becomes a
-- number unique to the request across wrk's threads, so each posted comment is distinct.
local file = assert(io.open(os.getenv("BENCH_BODY_FILE"), "r"))
local templates = {}
for line in file:lines() do
  if line ~= "" then
    templates[#templates + 1] = line
  end
end
file:close()
assert(#templates > 0, "no bodies in " .. os.getenv("BENCH_BODY_FILE"))

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

local counter = 0

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

request = function()
  counter = counter + 1
  local number = thread_number or 1
  -- thread k numbers its requests k, k + 1000, k + 2000, ...; its bodies start at an offset
  local n = tostring(number + (counter - 1) * 1000)
  local template = templates[((counter - 1 + (number - 1) * 7919) % #templates) + 1]
  local body = template:gsub("{n}", n)
  return wrk.format(nil, nil, nil, body)
end
