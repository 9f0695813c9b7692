-- wrk script for HTTP tracker announces or scrapes, with every request built in init().
--
--   BENCH_HASHES=FILE BENCH_MODE=announce|scrape BENCH_PEERS=50 wrk -t1 -c32 -d10s -s http_load.lua URL
--
-- FILE lists the registered info hashes in hex, one per line. announce cycles
-- through BENCH_PEERS peers per torrent (ports 10000 and up from 127.0.0.1, a
-- third of them seeders, compact, numwant 50). scrape requests one hash per
-- scrape. Each wrk thread starts at another point of the cycle.

local requests = {}
local position = 0

local function percent_encode(hex)
  return (hex:gsub("%x%x", "%%%0"))
end

function init(args)
  local mode = os.getenv("BENCH_MODE") or "announce"
  local peers = tonumber(os.getenv("BENCH_PEERS") or "50")
  local hashes = {}
  for line in io.lines(os.getenv("BENCH_HASHES")) do
    if #line >= 40 then
      hashes[#hashes + 1] = percent_encode(line:sub(1, 40))
    end
  end
  if mode == "scrape" then
    for _, hash in ipairs(hashes) do
      requests[#requests + 1] = wrk.format("GET", "/scrape?info_hash=" .. hash)
    end
  else
    for peer = 0, peers - 1 do
      local left = (peer % 3 == 0) and "0" or "1000"
      for torrent, hash in ipairs(hashes) do
        local number = peer * #hashes + torrent
        local path = string.format(
          "/announce?info_hash=%s&peer_id=-WK0001-%012d&port=%d&uploaded=0&downloaded=0&left=%s&compact=1&numwant=50",
          hash, number, 10000 + peer, left)
        requests[#requests + 1] = wrk.format("GET", path)
      end
    end
  end
  math.randomseed(os.time() + #requests)
  position = math.random(#requests)
end

function request()
  position = position % #requests + 1
  return requests[position]
end
