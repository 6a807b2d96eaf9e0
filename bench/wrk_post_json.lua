-- wrk script: POST a JSON body read from the file named by $BENCH_BODY_FILE.
-- Bodies containing "{n}" get a per-request counter, so each posted comment is distinct.
local file = assert(io.open(os.getenv("BENCH_BODY_FILE"), "r"))
local template = file:read("*a")
file:close()
local counter = 0

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

request = function()
  counter = counter + 1
  local body = template:gsub("{n}", tostring(counter))
  return wrk.format(nil, nil, nil, body)
end
