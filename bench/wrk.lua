-- Cycles through requests read from a file (args[1]) and prints a JSON summary.
-- File format per request: "R <method> <path>", "H <n>" then n "name: value" lines,
-- then "B <len>", the body and a newline.
local requests = {}
local idx = 0

function init(args)
  local f = assert(io.open(args[1], "rb"))
  while true do
    local line = f:read("*l")
    if not line then break end
    local method, path = line:match("^R (%S+) (%S+)$")
    local n = tonumber(f:read("*l"):match("^H (%d+)"))
    local headers = {}
    for _ = 1, n do
      local h = f:read("*l")
      local k, v = h:match("^([^:]+): (.*)$")
      headers[k] = v
    end
    local blen = tonumber(f:read("*l"):match("^B (%d+)"))
    local body = nil
    if blen > 0 then body = f:read(blen) end
    f:read("*l")
    requests[#requests + 1] = wrk.format(method, path, headers, body)
  end
  f:close()
  idx = math.random(#requests)
end

function request()
  idx = idx % #requests + 1
  return requests[idx]
end

function done(summary, latency, _)
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"mean_us":%f,"status_errors":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.mean,
    summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
end
