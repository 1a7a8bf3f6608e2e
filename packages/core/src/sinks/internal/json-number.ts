/**
 * The shortest decimal that reads back as the same float32. JSON.stringify prints the float64 of
 * a float32 (0.1 → 0.10000000149011612), which is exact but unreadable and bloats files.
 */
export function float32ToJson(value: number): number {
  if (!Number.isFinite(value)) return value;
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}
