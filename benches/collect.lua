-- wrk script for benches/collector.mjs: every request a batch of BATCH share events with
-- ids unique across threads and requests (UUID v4-shaped, as the schema wants).
local BATCH = tonumber(os.getenv("BATCH") or "50")
local counter = 0
local thread_no = 0
local threads = {}

function setup(thread)
  thread_no = thread_no + 1
  thread:set("tid", thread_no)
  table.insert(threads, thread)
end

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "text/plain"
  acked = 0
end

function request()
  local events = {}
  for i = 1, BATCH do
    counter = counter + 1
    local id = string.format("%08x-0000-4000-8000-%012x", tid, counter)
    events[i] = '{"v":1,"id":"' .. id .. '","type":"share","channel":"whatsapp","token":"wAbCdEfGh-_9","parent":null,"url":"https://blog.example/a","title":"A","ts":1763700000000}'
  end
  return wrk.format(nil, "/collect", nil, "[" .. table.concat(events, ",") .. "]")
end

function response(status, headers, body)
  if status == 200 then
    acked = acked + BATCH
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("acked")
  end
  io.write(string.format("ACKED %d\n", total))
end
