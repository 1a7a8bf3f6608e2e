/**
 * Matmul throughput (GFLOP/s) on every tensor backend that loads here, next to the CPU's
 * theoretical single-precision peak; and, on wasm, the stock BatchMatMul against prefstream's
 * replacement (packages/core/src/kernels/batch-mat-mul-wasm.ts) for the products a transformer
 * step makes: transposed (A·Bᵀ, Aᵀ·B — autograd makes these in every backward pass), batched
 * (attention, (B·H, T, dh)) and rank-3 activations × weights.
 *
 *   npx tsx --conditions=@prefstream/source tools/bench/src/backend-matmul.ts [--quick]
 *
 * Writes tools/bench/results/backend-matmul.json (backend-matmul.quick.json with --quick). Stock and replacement are timed in alternating
 * rounds within one run, so their ratio holds on a shared, noisy machine; absolute GFLOP/s do not.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BACKEND_NAMES, Rng, loadBackend, stockWasmKernel, tf, type BackendName, type Scalar } from '@prefstream/core';
import { CausalLM, packSequences, parseModelConfig } from '@prefstream/model';

const quick = process.argv.includes('--quick');
const MIN_SECONDS = quick ? 0.05 : 0.8; // per timing round
const ROUNDS = quick ? 1 : 3; // alternating stock/replacement rounds; the median is kept

interface Peak {
  cores: number;
  ghz: number;
  flopsPerCycle: number;
  gflops: number;
  formula: string;
  model: string;
  flags: string[];
}

/** cores × GHz × FLOP/cycle; AVX2+FMA: 2 FMA units × 8 float lanes × 2 FLOP = 32 per cycle. */
function cpuPeak(): Peak {
  const info = readFileSync('/proc/cpuinfo', 'utf8');
  const cores = (info.match(/^processor\s*:/gm) ?? []).length;
  const mhz = Number(/^cpu MHz\s*:\s*([\d.]+)/m.exec(info)?.[1] ?? NaN);
  const model = /^model name\s*:\s*(.*)$/m.exec(info)?.[1] ?? 'unknown';
  const allFlags = new Set((/^flags\s*:\s*(.*)$/m.exec(info)?.[1] ?? '').split(/\s+/));
  const flags = ['sse2', 'avx', 'avx2', 'fma', 'avx512f'].filter((f) => allFlags.has(f));
  // The brief's convention is AVX2+FMA (32); AVX-512 parts that run 512-bit ops as two 256-bit
  // halves (AMD Zen 4) have the same peak, so avx512f alone is not counted as 64.
  const flopsPerCycle = allFlags.has('avx2') && allFlags.has('fma') ? 32 : allFlags.has('avx') ? 16 : 8;
  const ghz = mhz / 1000;
  const gflops = cores * ghz * flopsPerCycle;
  const formula = `${cores} cores × ${ghz.toFixed(3)} GHz × ${flopsPerCycle} FLOP/cycle = ${gflops.toFixed(1)} GFLOP/s`;
  return { cores, ghz, flopsPerCycle, gflops, formula, model, flags };
}

interface Case {
  name: string;
  a: number[];
  b: number[];
  transposeA: boolean;
  transposeB: boolean;
}

/** 2·M·N·K per product times the batch. */
function flopsOf(c: Case): number {
  const [a0, a1] = c.a.slice(-2) as [number, number];
  const [b0, b1] = c.b.slice(-2) as [number, number];
  const m = c.transposeA ? a1 : a0;
  const k = c.transposeA ? a0 : a1;
  const n = c.transposeB ? b0 : b1;
  const batch = Math.max(c.a.slice(0, -2).reduce((x, y) => x * y, 1), c.b.slice(0, -2).reduce((x, y) => x * y, 1));
  return 2 * batch * m * n * k;
}

/** Median milliseconds per product: repeats until `minSeconds` passed (at least `minReps`). */
function timeMs(c: Case, minSeconds: number, minReps: number): { ms: number; reps: number } {
  const a = tf.randomNormal(c.a, 0, 1, 'float32', 1);
  const b = tf.randomNormal(c.b, 0, 1, 'float32', 2);
  try {
    tf.matMul(a, b, c.transposeA, c.transposeB).dispose(); // warm-up (kernel setup, heap growth)
    const times: number[] = [];
    const start = performance.now();
    while (times.length < minReps || performance.now() - start < minSeconds * 1000) {
      const t0 = performance.now();
      const out = tf.matMul(a, b, c.transposeA, c.transposeB);
      out.dataSync();
      times.push(performance.now() - t0);
      out.dispose();
    }
    times.sort((x, y) => x - y);
    return { ms: times[Math.floor(times.length / 2)]!, reps: times.length };
  } finally {
    tf.dispose([a, b]);
  }
}

const gflopsOf = (c: Case, ms: number) => flopsOf(c) / (ms * 1e6);
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;

const s1 = quick ? 64 : 512;
const s2 = quick ? 128 : 1024;
const squares: Case[] = [s1, s2].map((n) => ({ name: `${n}²`, a: [n, n], b: [n, n], transposeA: false, transposeB: false }));
// Attention of a small GPT (B=8, H=8, T=128, dh=64) and its linear layers (D=512).
const [BH, T, DH, D] = quick ? [4, 32, 16, 64] : [64, 128, 64, 512];
const variants: Case[] = [
  { name: `${s1}² A·B`, a: [s1, s1], b: [s1, s1], transposeA: false, transposeB: false },
  { name: `${s1}² A·Bᵀ`, a: [s1, s1], b: [s1, s1], transposeA: false, transposeB: true },
  { name: `${s1}² Aᵀ·B`, a: [s1, s1], b: [s1, s1], transposeA: true, transposeB: false },
  { name: `scores Q·Kᵀ (${BH},${T},${DH})`, a: [BH, T, DH], b: [BH, T, DH], transposeA: false, transposeB: true },
  { name: `context P·V (${BH},${T},${T})·(${BH},${T},${DH})`, a: [BH, T, T], b: [BH, T, DH], transposeA: false, transposeB: false },
  { name: `linear (8,${T},${D})·(${D},${D})`, a: [8, T, D], b: [D, D], transposeA: false, transposeB: false },
  { name: `weight grad Xᵀ·dY (${8 * T},${D})`, a: [8 * T, D], b: [8 * T, D], transposeA: true, transposeB: false },
];

interface Row {
  backend: string;
  case: string;
  kernel: 'stock' | 'prefstream';
  ms: number;
  gflops: number;
  reps: number;
}

async function main(): Promise<void> {
  const peak = cpuPeak();
  console.log(`CPU: ${peak.model}; flags ${peak.flags.join(' ')}`);
  console.log(`theoretical fp32 peak = cores × GHz × FLOP/cycle: ${peak.formula}`);
  const rows: Row[] = [];
  const skipped: { backend: BackendName; reason: string }[] = [];
  const loaded: string[] = [];
  for (const name of BACKEND_NAMES) {
    let tfName: string;
    try {
      tfName = await loadBackend(name);
      if (!(await tf.setBackend(tfName))) throw new Error(`tf.setBackend('${tfName}') failed`);
    } catch (err) {
      skipped.push({ backend: name, reason: (err instanceof Error ? err.message : String(err)).split('\n')[0]! });
      continue;
    }
    loaded.push(name);
    // pure-JS cpu at ~0.4 GFLOP/s: one product at the large size (~5 s) is enough.
    for (const c of squares) {
      const slow = name === 'cpu';
      const { ms, reps } = timeMs(c, slow ? 0 : MIN_SECONDS, slow ? 1 : 3);
      rows.push({ backend: name, case: c.name, kernel: name === 'wasm' ? 'prefstream' : 'stock', ms, gflops: gflopsOf(c, ms), reps });
      console.log(`${name.padEnd(8)} ${c.name.padEnd(8)} ${gflopsOf(c, ms).toFixed(2)} GFLOP/s (${reps} reps)`);
    }
  }
  const comparisons = await compareWasmKernels(loaded.includes('wasm'));
  const endToEnd = loaded.includes('wasm') ? compareTrainingStep() : undefined;
  const out = { bench: 'backend-matmul', quick, date: new Date().toISOString(), node: process.version, peak, skipped, rows, comparisons, endToEnd };
  const here = dirname(fileURLToPath(import.meta.url));
  // --quick keeps the full run's results: it only checks that the script works.
  const file = join(here, '..', 'results', quick ? 'backend-matmul.quick.json' : 'backend-matmul.json');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
  console.log(`skipped: ${skipped.map((s) => `${s.backend} (${s.reason})`).join('; ')}`);
  console.log(`wrote ${file}`);
}

function use(config: tf.KernelConfig): void {
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel(config);
}

function wasmKernels(): { stock: tf.KernelConfig; replacement: tf.KernelConfig } {
  const replacement = tf.getKernel('BatchMatMul', 'wasm');
  const stock = stockWasmKernel('BatchMatMul');
  if (!replacement || !stock) throw new Error('wasm BatchMatMul replacement is not registered');
  return { stock, replacement };
}

/**
 * End to end: forward + backward (summed completion log-probs, gradients of every weight) of a
 * GPT-2-style model from @prefstream/model, stock vs replacement in alternating rounds.
 */
function compareTrainingStep() {
  const c = quick ? { vocab: 256, d: 64, layers: 2, heads: 2, T: 32, B: 4 } : { vocab: 512, d: 128, layers: 4, heads: 4, T: 128, B: 8 };
  const config = parseModelConfig({ model_type: 'gpt2', vocab_size: c.vocab, n_embd: c.d, n_layer: c.layers, n_head: c.heads, n_positions: c.T });
  const model = CausalLM.random(config, 0);
  const vars = [...model.trainableVariables().values()];
  const rng = new Rng(1);
  const rows = Array.from({ length: c.B }, () => Array.from({ length: c.T }, () => rng.int(c.vocab)));
  const batch = packSequences(rows.map((r) => r.slice(0, c.T / 2)), rows.map((r) => r.slice(c.T / 2)), { padSide: 'right', padTokenId: 0 });
  const step = () => {
    const t0 = performance.now();
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => tf.neg(tf.mean(model.sequenceLogps(batch).logps)) as Scalar, vars);
      value.dataSync();
      tf.dispose(Object.values(grads));
    });
    return performance.now() - t0;
  };
  const { stock, replacement } = wasmKernels();
  const ms = { stock: [] as number[], prefstream: [] as number[] };
  try {
    for (let round = 0; round < ROUNDS + 1; round++) {
      use(stock);
      const s = step();
      use(replacement);
      const f = step();
      if (round > 0) { // round 0 warms both up
        ms.stock.push(s);
        ms.prefstream.push(f);
      }
    }
  } finally {
    use(replacement);
    model.dispose();
  }
  const tokens = c.B * c.T;
  const result = {
    config: c,
    stockTokensPerS: tokens / (median(ms.stock) / 1000),
    prefstreamTokensPerS: tokens / (median(ms.prefstream) / 1000),
    speedup: median(ms.stock) / median(ms.prefstream),
  };
  console.log(`wasm     GPT-2 fwd+bwd ${JSON.stringify(c)}: stock ${result.stockTokensPerS.toFixed(0)} tok/s, prefstream ${result.prefstreamTokensPerS.toFixed(0)} tok/s  ×${result.speedup.toFixed(1)}`);
  return result;
}

/** Stock wasm BatchMatMul vs the replacement, in alternating rounds; medians and their ratio. */
async function compareWasmKernels(haveWasm: boolean) {
  if (!haveWasm) return [];
  await tf.setBackend('wasm');
  const { stock, replacement } = wasmKernels();
  const results = [];
  try {
    for (const c of variants) {
      const ms = { stock: [] as number[], prefstream: [] as number[] };
      for (let round = 0; round < ROUNDS; round++) {
        use(stock);
        ms.stock.push(timeMs(c, MIN_SECONDS, 2).ms);
        use(replacement);
        ms.prefstream.push(timeMs(c, MIN_SECONDS, 2).ms);
      }
      const stockMs = median(ms.stock);
      const oursMs = median(ms.prefstream);
      const row = {
        case: c.name,
        stockGflops: gflopsOf(c, stockMs),
        prefstreamGflops: gflopsOf(c, oursMs),
        speedup: stockMs / oursMs,
        stockMs,
        prefstreamMs: oursMs,
      };
      results.push(row);
      console.log(`wasm     ${c.name.padEnd(40)} stock ${row.stockGflops.toFixed(2)}  prefstream ${row.prefstreamGflops.toFixed(2)} GFLOP/s  ×${row.speedup.toFixed(1)}`);
    }
  } finally {
    use(replacement);
  }
  return results;
}

await main();
