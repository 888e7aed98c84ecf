// Redis's stringmatchlen (KEYS, SCAN MATCH): binary-safe, with the skip-longer-matches cut that keeps
// patterns like `*a*a*a*b` polynomial instead of exponential, and its nesting limit (no match past
// 1000 nested stars) that also bounds the recursion depth.

let skipLonger: bool = false;

export function globMatch(p: usize, pl: i32, s: usize, sl: i32): bool {
  skipLonger = false;
  return matchFrom(p, pl, s, sl, 0);
}

function matchFrom(p: usize, pl: i32, s: usize, sl: i32, nesting: i32): bool {
  if (nesting > 1000) return false;
  while (pl > 0 && sl > 0) {
    const c = load<u8>(p);
    if (c == 0x2a) {
      while (pl > 1 && load<u8>(p + 1) == 0x2a) {
        p++;
        pl--;
      }
      if (pl == 1) return true;
      while (sl > 0) {
        if (matchFrom(p + 1, pl - 1, s, sl, nesting + 1)) return true;
        if (skipLonger) return false;
        s++;
        sl--;
      }
      skipLonger = true;
      return false;
    } else if (c == 0x3f) {
      s++;
      sl--;
    } else if (c == 0x5b) {
      p++;
      pl--;
      const not = pl > 0 && load<u8>(p) == 0x5e;
      if (not) {
        p++;
        pl--;
      }
      let match = false;
      const sc = <i32>load<i8>(s);
      while (true) {
        if (pl >= 2 && load<u8>(p) == 0x5c) {
          p++;
          pl--;
          if (load<i8>(p) == sc) match = true;
        } else if (pl > 0 && load<u8>(p) == 0x5d) {
          break;
        } else if (pl <= 0) {
          p--;
          pl++;
          break;
        } else if (pl >= 3 && load<u8>(p + 1) == 0x2d) {
          // Redis compares plain (signed) chars here.
          let start = <i32>load<i8>(p);
          let end = <i32>load<i8>(p + 2);
          if (start > end) {
            const t = start;
            start = end;
            end = t;
          }
          p += 2;
          pl -= 2;
          if (sc >= start && sc <= end) match = true;
        } else if (load<i8>(p) == sc) {
          match = true;
        }
        p++;
        pl--;
      }
      if (not) match = !match;
      if (!match) return false;
      s++;
      sl--;
    } else {
      if (c == 0x5c && pl >= 2) {
        p++;
        pl--;
      }
      if (load<u8>(p) != load<u8>(s)) return false;
      s++;
      sl--;
    }
    p++;
    pl--;
    if (sl == 0) {
      while (pl > 0 && load<u8>(p) == 0x2a) {
        p++;
        pl--;
      }
      break;
    }
  }
  return pl == 0 && sl == 0;
}
