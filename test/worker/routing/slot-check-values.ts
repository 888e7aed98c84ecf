// Redis 7.0's `CLUSTER KEYSLOT` answers (TOOLCHAIN.md): every slot implementation — the gateway's,
// the test harness's oracle, the benchmarks' — must reproduce them.
export const SLOT_CHECK_VALUES: readonly (readonly [string, number])[] = [
  ["foo", 12182],
  ["123456789", 12739],
  ["{user1000}.following", 3443],
  ["foo{}{bar}", 8363],
  ["foo{{bar}}zap", 4015],
  ["", 0],
  ["somekey", 11058],
  ["foo{hash_tag}", 2515],
];
