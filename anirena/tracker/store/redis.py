"""Peer store in Redis, for several tracker and web processes that share swarms.

Each announce is one EVALSHA round trip: a Lua script updates the peer,
removes expired peers of that swarm, records a completion, and returns the
counts and a random sample of peers. Keys, per info hash in hex:

    {prefix}{hash}:s  sorted set of seeders, member = compact address, score = last announce (Unix time)
    {prefix}{hash}:l  sorted set of leechers, same layout
    {prefix}{hash}:i  hash from compact address to peer id
    {prefix}done:{torrent key}:{generation}  set of identities that completed the torrent

Swarm keys expire `peer_ttl` seconds after the last announce, and completion
sets after two dedupe generations, so Redis needs no cleanup job. Counts only
include peers whose score is within `peer_ttl`, so they are exact even before
expired members are removed.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Sequence

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from anirena.tracker.events import EVENT_STOPPED
from anirena.tracker.store.base import AnnounceResult, SwarmCounts

logger = logging.getLogger(__name__)

# Members of a sample that turn out to be the requester, a port 0 peer or of
# an unwanted family are dropped, so the script draws this many extra.
_SAMPLE_MARGIN = 8
# Upper bound of expired members that one announce removes from each set.
_PRUNE_LIMIT = 500

_ANNOUNCE_SCRIPT = """
local seeders_key, leechers_key, ids_key = KEYS[1], KEYS[2], KEYS[3]
local address, peer_id = ARGV[1], ARGV[2]
local now, cutoff = ARGV[3], ARGV[4]
local key_ttl = tonumber(ARGV[5])
local is_seeder = ARGV[6] == '1'
local event = tonumber(ARGV[7])
local numwant = tonumber(ARGV[8])
local families = tonumber(ARGV[9])
local with_ids = ARGV[10] == '1'
local hidden = ARGV[11] == '1'
local done_ttl = tonumber(ARGV[12])

local function prune(key)
  local expired = redis.call('ZRANGEBYSCORE', key, '-inf', '(' .. cutoff, 'LIMIT', 0, %(prune_limit)d)
  if #expired > 0 then
    redis.call('ZREM', key, unpack(expired))
    redis.call('HDEL', ids_key, unpack(expired))
  end
end
prune(seeders_key)
prune(leechers_key)

local new_completion = 0
if event == 3 then
  redis.call('ZREM', seeders_key, address)
  redis.call('ZREM', leechers_key, address)
  redis.call('HDEL', ids_key, address)
else
  local own_key, other_key = leechers_key, seeders_key
  if is_seeder then own_key, other_key = seeders_key, leechers_key end
  redis.call('ZREM', other_key, address)
  redis.call('ZADD', own_key, now, address)
  redis.call('HSET', ids_key, address, peer_id)
  redis.call('EXPIRE', own_key, key_ttl)
  redis.call('EXPIRE', ids_key, key_ttl)
  if event == 1 then
    local identities = {peer_id}
    if not hidden then identities[2] = address end
    local seen = false
    for _, identity in ipairs(identities) do
      if redis.call('SISMEMBER', KEYS[4], identity) == 1 or redis.call('SISMEMBER', KEYS[5], identity) == 1 then
        seen = true
      end
    end
    if not seen then
      redis.call('SADD', KEYS[4], unpack(identities))
      redis.call('EXPIRE', KEYS[4], done_ttl)
      new_completion = 1
    end
  end
end

local seeders = redis.call('ZCOUNT', seeders_key, cutoff, '+inf')
local leechers = redis.call('ZCOUNT', leechers_key, cutoff, '+inf')
local peers = {}
local want4 = families %% 2 == 1
local want6 = families >= 2

local function sample(key, count)
  if count <= 0 then return end
  local taken = 0
  local members = redis.call('ZRANDMEMBER', key, count + %(margin)d)
  for _, member in ipairs(members) do
    if taken >= count then return end
    local width = string.len(member)
    if member ~= address and string.sub(member, -2) ~= '\\0\\0'
        and ((width == 6 and want4) or (width == 18 and want6)) then
      peers[#peers + 1] = member
      taken = taken + 1
    end
  end
end

if event ~= 3 and numwant > 0 then
  -- Counts of the peers that can be returned, so without the requester.
  local eligible_seeders, eligible_leechers = seeders, leechers - 1
  if is_seeder then eligible_seeders, eligible_leechers = 0, leechers end
  local total = eligible_seeders + eligible_leechers
  local from_seeders = eligible_seeders
  local from_leechers = eligible_leechers
  if total > numwant then
    from_seeders = math.floor(numwant * eligible_seeders / total)
    from_leechers = numwant - from_seeders
    if from_leechers > eligible_leechers then
      from_leechers = eligible_leechers
      from_seeders = numwant - eligible_leechers
    end
  end
  sample(seeders_key, from_seeders)
  sample(leechers_key, from_leechers)
end

local ids = {}
if with_ids and #peers > 0 then
  ids = redis.call('HMGET', ids_key, unpack(peers))
end
return {seeders, leechers, new_completion, peers, ids}
""" % {"prune_limit": _PRUNE_LIMIT, "margin": _SAMPLE_MARGIN}

# ARGV[1] is the cutoff score; ARGV[2..] give the number of info hashes of
# each torrent, whose seeder and leecher keys follow one another in KEYS.
_COUNTS_SCRIPT = """
local cutoff = ARGV[1]
local result = {}
local k = 1
for i = 2, #ARGV do
  local n = tonumber(ARGV[i])
  if n == 1 then
    result[#result + 1] = redis.call('ZCOUNT', KEYS[k], cutoff, '+inf')
    result[#result + 1] = redis.call('ZCOUNT', KEYS[k + 1], cutoff, '+inf')
  else
    local seeders, seeder_count = {}, 0
    for j = 0, n - 1 do
      for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[k + 2 * j], cutoff, '+inf')) do
        if not seeders[member] then
          seeders[member] = true
          seeder_count = seeder_count + 1
        end
      end
    end
    local leechers, leecher_count = {}, 0
    for j = 0, n - 1 do
      for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[k + 2 * j + 1], cutoff, '+inf')) do
        if not seeders[member] and not leechers[member] then
          leechers[member] = true
          leecher_count = leecher_count + 1
        end
      end
    end
    result[#result + 1] = seeder_count
    result[#result + 1] = leecher_count
  end
  k = k + 2 * n
end
return result
"""


class RedisPeerStore:
    """Peer store in Redis; see the module docstring for the key layout."""

    runs_inline = False

    def __init__(
        self,
        client: aioredis.Redis,
        peer_ttl: int,
        completed_dedupe_ttl: int = 7 * 24 * 3600,
        *,
        prefix: str = "anirena:tracker:",
        clock: Callable[[], float] = time.time,
    ) -> None:
        # Scores are wall-clock times, because several hosts share them.
        self._client = client
        self._ttl = peer_ttl
        self._dedupe_ttl = completed_dedupe_ttl
        self._prefix = prefix.encode()
        self._clock = clock
        self._announce_script = client.register_script(_ANNOUNCE_SCRIPT)
        self._counts_script = client.register_script(_COUNTS_SCRIPT)

    @classmethod
    def from_url(
        cls,
        url: str,
        peer_ttl: int,
        completed_dedupe_ttl: int = 7 * 24 * 3600,
        *,
        max_connections: int = 100,
        pool_timeout: float = 2.0,
        **kwargs,
    ) -> RedisPeerStore:
        """Create a store with its own connection pool; `close` releases the pool.

        A request that finds all `max_connections` connections busy waits up
        to `pool_timeout` seconds for one. redis-py's default pool (8.2) fails
        it at once with MaxConnectionsError instead, which a burst of UDP
        announces, one task per datagram, easily triggers.
        """
        pool = aioredis.BlockingConnectionPool.from_url(url, max_connections=max_connections, timeout=pool_timeout)
        return cls(aioredis.Redis.from_pool(pool), peer_ttl, completed_dedupe_ttl, **kwargs)

    def _swarm_keys(self, info_hash: bytes) -> tuple[bytes, bytes, bytes]:
        base = self._prefix + info_hash.hex().encode()
        return base + b":s", base + b":l", base + b":i"

    def _completion_keys(self, torrent_key: str, now: float) -> tuple[bytes, bytes]:
        generation = int(now // self._dedupe_ttl)
        base = self._prefix + b"done:" + torrent_key.encode() + b":"
        return base + str(generation).encode(), base + str(generation - 1).encode()

    def _cutoff(self, now: float) -> str:
        return repr(now - self._ttl)

    async def announce(
        self,
        info_hash: bytes,
        torrent_key: str,
        peer_id: bytes,
        address: bytes,
        seeder: bool,
        event: int,
        numwant: int,
        families: int,
        with_peer_ids: bool = False,
    ) -> AnnounceResult:
        now = self._clock()
        hidden = address[-1] == 0 and address[-2] == 0
        keys = (*self._swarm_keys(info_hash), *self._completion_keys(torrent_key, now))
        args = (
            address,
            peer_id,
            repr(now),
            self._cutoff(now),
            math.ceil(self._ttl),
            1 if seeder else 0,
            event,
            0 if event == EVENT_STOPPED else numwant,
            families,
            1 if with_peer_ids else 0,
            1 if hidden else 0,
            2 * self._dedupe_ttl,
        )
        seeders, leechers, new_completion, peers, ids = await self._announce_script(keys=keys, args=args)
        peers4 = b"".join(peer for peer in peers if len(peer) == 6)
        peers6 = b"".join(peer for peer in peers if len(peer) == 18)
        peer_ids = None
        if with_peer_ids:
            peer_ids = {peer: peer_id for peer, peer_id in zip(peers, ids) if peer_id is not None}
            peers4, peers6 = _keep_known(peers4, 6, peer_ids), _keep_known(peers6, 18, peer_ids)
        return AnnounceResult(peers4, peers6, seeders, leechers, bool(new_completion), peer_ids)

    async def scrape(self, info_hashes: Sequence[bytes]) -> list[SwarmCounts]:
        counts = await self._run_counts([(info_hash,) for info_hash in info_hashes])
        return counts

    async def counts_for_torrents(self, torrents: Sequence[tuple[str, Sequence[bytes]]]) -> dict[str, SwarmCounts]:
        counts = await self._run_counts([info_hashes for _, info_hashes in torrents])
        return {key: count for (key, _), count in zip(torrents, counts)}

    async def _run_counts(self, groups: Sequence[Sequence[bytes]]) -> list[SwarmCounts]:
        if not groups:
            return []
        # A torrent without hashes would desynchronise KEYS and ARGV in the script.
        if any(not info_hashes for info_hashes in groups):
            raise ValueError("every torrent needs at least one info hash")
        keys: list[bytes] = []
        args: list[object] = [self._cutoff(self._clock())]
        for info_hashes in groups:
            args.append(len(info_hashes))
            for info_hash in info_hashes:
                seeders_key, leechers_key, _ = self._swarm_keys(info_hash)
                keys.append(seeders_key)
                keys.append(leechers_key)
        flat = await self._counts_script(keys=keys, args=args)
        return [SwarmCounts(flat[i], flat[i + 1]) for i in range(0, len(flat), 2)]

    async def remove(self, info_hash: bytes, address: bytes) -> None:
        seeders_key, leechers_key, ids_key = self._swarm_keys(info_hash)
        async with self._client.pipeline(transaction=True) as pipe:
            pipe.zrem(seeders_key, address)
            pipe.zrem(leechers_key, address)
            pipe.hdel(ids_key, address)
            await pipe.execute()

    async def prune(self) -> int:
        """Return 0: announces remove expired members and Redis expires idle keys."""
        return 0

    async def healthy(self) -> bool:
        try:
            return bool(await self._client.ping())
        except (RedisError, OSError) as error:
            logger.warning("Redis peer store is unreachable: %s", error)
            return False

    async def close(self) -> None:
        await self._client.aclose()

    async def delete_all(self) -> int:
        """Delete every key under this store's prefix (tests and resets) and return how many."""
        deleted = 0
        pattern = bytes(_escape_glob(self._prefix)) + b"*"
        async for key in self._client.scan_iter(match=pattern, count=1000):
            deleted += await self._client.delete(key)
        return deleted


def _escape_glob(text: bytes) -> bytearray:
    escaped = bytearray()
    for byte in text:
        if byte in b"*?[]\\":
            escaped.append(0x5C)
        escaped.append(byte)
    return escaped


def _keep_known(blob: bytes, width: int, peer_ids: dict[bytes, bytes]) -> bytes:
    entries = [blob[i : i + width] for i in range(0, len(blob), width)]
    return b"".join(entry for entry in entries if entry in peer_ids)
