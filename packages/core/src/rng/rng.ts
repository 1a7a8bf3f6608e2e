/**
 * Seeded, splittable random numbers (xoshiro128** seeded through splitmix32).
 *
 * `split(name)` derives an independent child stream from the parent's *seed* and a name, not from
 * the parent's position, so adding a draw in one stage never shifts another stage's numbers.
 * `state()` / `Rng.restore()` serialize the position for checkpoints (trainer_state.json).
 */

/** splitmix32: a bijective mixer used to expand seeds. */
function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** FNV-1a over the UTF-16 code units of a string, mixed with a 32-bit seed. */
function hashName(seed: number, name: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return splitmix32(h);
}

const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;

export interface RngState {
  seed: number;
  s: [number, number, number, number];
}

export class Rng {
  readonly seed: number;
  private s: Uint32Array;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new Error(`Rng: seed must be an integer, got ${seed}`);
    this.seed = seed >>> 0;
    this.s = new Uint32Array(4);
    let x = this.seed;
    for (let i = 0; i < 4; i++) {
      x = splitmix32(x + i);
      this.s[i] = x;
    }
    if ((this.s[0]! | this.s[1]! | this.s[2]! | this.s[3]!) === 0) this.s[0] = 1;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1]! << 9) >>> 0;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** A uniform float in [0, 1) with 53 bits of precision. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    if (!(n > 0) || !Number.isInteger(n)) throw new Error(`Rng.int: n must be a positive integer, got ${n}`);
    return Math.floor(this.uniform() * n);
  }

  /** A standard normal draw (Box–Muller). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.uniform());
  }

  /** Fisher–Yates shuffle in place; returns the array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }

  /** An independent child stream keyed by name (e.g. the stage's id). */
  split(name: string): Rng {
    return new Rng(hashName(this.seed, name));
  }

  /** A 32-bit integer seed for libraries that take one (e.g. tfjs random ops). */
  nextSeed(): number {
    return this.nextUint32();
  }

  state(): RngState {
    return { seed: this.seed, s: [this.s[0]!, this.s[1]!, this.s[2]!, this.s[3]!] };
  }

  static restore(state: RngState): Rng {
    const rng = new Rng(state.seed);
    rng.s.set(state.s);
    return rng;
  }
}

export function createRng(seed: number): Rng {
  return new Rng(seed);
}
