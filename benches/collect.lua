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

-- A token of this thread's `n`th share: 12 characters of the schema's alphabet, `w` first
-- (a WhatsApp token).
local function token(n)
  return string.format("w%02x%08x0", tid % 256, n % 0x100000000)
end

-- With MIX=chains, each batch is what sites send: distinct tokens, a third of the shares
-- re-shares of an earlier share (a parent), and a click-back for every other share, so
-- the collector's chain depths and daily counts do real work. Otherwise the same share
-- event over and over (the workload of the README's first load numbers).
local CHAINS = os.getenv("MIX") == "chains"

function request()
  local events = {}
  for i = 1, BATCH do
    counter = counter + 1
    local id = string.format("%08x-0000-4000-8000-%012x", tid, counter)
    if not CHAINS then
      events[i] = '{"v":1,"id":"' .. id .. '","type":"share","channel":"whatsapp","token":"wAbCdEfGh-_9","parent":null,"url":"https://blog.example/a","title":"A","ts":1763700000000}'
    elseif counter % 2 == 0 and counter > 2 then
      local t = token(counter - 1)
      events[i] = '{"v":1,"id":"' .. id .. '","type":"arrival","channel":"whatsapp","token":"' .. t .. '","parent":"' .. t .. '","url":"https://blog.example/p/' .. (counter % 500) .. '","title":"A","ts":' .. (1763700000000 + counter * 1000) .. ',"referrer":null}'
    else
      local parent = "null"
      if counter % 3 == 0 and counter > 6 then parent = '"' .. token(counter - 6) .. '"' end
      events[i] = '{"v":1,"id":"' .. id .. '","type":"share","channel":"whatsapp","token":"' .. token(counter) .. '","parent":' .. parent .. ',"url":"https://blog.example/p/' .. (counter % 500) .. '","title":"A","ts":' .. (1763700000000 + counter * 1000) .. '}'
    end
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
