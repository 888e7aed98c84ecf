// maxmemory eviction (Redis evict.c): when a write answers OOM under a policy other than noeviction,
// dispatch evicts one key chosen here, logs its DEL, and runs the command again (an OOM write changed
// nothing, so re-running it is safe and never evicts a key mid-command).
import { delDel, deleteAt, expiryActive, KEYSPACE, lruClock, now, volatileCount } from "./db";
import { nextRandom } from "./keys";
import { eExpire, eFlags, eKey, eKeyLen, F_TTL, HDR, tCount, tMask, tSlots } from "./table";

/** Policy codes: the index of the name in EVICTION_POLICIES (wasm/host.ts), which setEvictionPolicy takes. */
export const NOEVICTION: i32 = 0;
export const ALLKEYS_LRU: i32 = 1;
export const VOLATILE_LRU: i32 = 2;
export const ALLKEYS_RANDOM: i32 = 3;
export const VOLATILE_RANDOM: i32 = 4;
export const VOLATILE_TTL: i32 = 5;
const POLICY_COUNT: i32 = 6;

/** Redis's maxmemory-samples default. */
const SAMPLES = 5;

export let evictionPolicy: i32 = NOEVICTION;
/** INFO's evicted_keys. */
export let evictedKeys: i64 = 0;

/** Sets the policy; false (and nothing changes) for an unknown code. */
export function setPolicy(code: i32): bool {
  if (code < 0 || code >= POLICY_COUNT) return false;
  evictionPolicy = code;
  return true;
}

export function policyName(): string {
  switch (evictionPolicy) {
    case ALLKEYS_LRU: return "allkeys-lru";
    case VOLATILE_LRU: return "volatile-lru";
    case ALLKEYS_RANDOM: return "allkeys-random";
    case VOLATILE_RANDOM: return "volatile-random";
    case VOLATILE_TTL: return "volatile-ttl";
    default: return "noeviction";
  }
}

/**
 * A random occupied slot of the keyspace (as RANDOMKEY picks one), holding a key with a TTL when
 * volatileOnly. The volatile walk is linear from the random start: Redis samples its expires dict, which
 * this keyspace does not keep, so with few volatile keys among many a sample costs up to a table scan.
 */
function sampleSlot(volatileOnly: bool): usize {
  const slots = tSlots(KEYSPACE);
  const mask = tMask(KEYSPACE);
  let j = <u32>(nextRandom() >> 32) & mask;
  for (let n: u32 = 0; n <= mask; n++) {
    const s = slots + ((<usize>j) << 3);
    const e = <usize>load<u32>(s, 4);
    if (e != 0 && (!volatileOnly || (eFlags(e) & F_TTL) != 0)) return s;
    j = (j + 1) & mask;
  }
  return 0;
}

/**
 * Evicts one key chosen by the policy from SAMPLES random samples (the idlest for *-lru, the nearest
 * expiry for volatile-ttl, the first for *-random), logging `DEL key`. False when nothing is evictable:
 * noeviction, an empty keyspace, or a volatile policy with no key that has a TTL.
 */
export function evictOne(): bool {
  const policy = evictionPolicy;
  if (policy == NOEVICTION || tCount(KEYSPACE) == 0) return false;
  const volatileOnly = policy == VOLATILE_LRU || policy == VOLATILE_RANDOM || policy == VOLATILE_TTL;
  if (volatileOnly && volatileCount == 0) return false;
  const samples = policy == ALLKEYS_RANDOM || policy == VOLATILE_RANDOM ? 1 : SAMPLES;
  let best: usize = 0;
  let bestScore: i64 = 0;
  for (let i = 0; i < samples; i++) {
    const s = sampleSlot(volatileOnly);
    if (s == 0) break;
    const e = <usize>load<u32>(s, 4);
    // A higher score is a better victim: the LRU age in clock ticks, or the negated expiry time.
    let score: i64 = 0;
    if (policy == VOLATILE_TTL) score = -eExpire(e);
    else if (policy == ALLKEYS_LRU || policy == VOLATILE_LRU) score = <i64>((lruClock - load<u8>(e, 11)) & 0xff);
    // An already-expired sample goes first whatever the policy: it is dead anyway.
    if (expiryActive && (eFlags(e) & F_TTL) != 0 && load<i64>(e, HDR) < now) score = i64.MAX_VALUE;
    if (best == 0 || score > bestScore) {
      best = s;
      bestScore = score;
    }
  }
  if (best == 0) return false;
  const e = <usize>load<u32>(best, 4);
  delDel(eKey(e), eKeyLen(e));
  deleteAt(best);
  evictedKeys++;
  return true;
}
