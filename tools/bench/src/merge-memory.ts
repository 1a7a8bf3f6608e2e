/**
 * Merge memory benchmark: `extractVector`, `applyVector` and `mergeCheckpoints` stream tensor by
 * tensor (in element chunks), so their peak RSS must not grow with the checkpoint — nor with its
 * largest tensor. Generates two Llama-shaped BF16 checkpoints of ~1 GB each (base and tuned), chunk
 * by chunk in a temp dir (never a whole tensor in memory), then runs each operation in its own child
 * process and records that child's VmHWM (its own high-water mark, /proc/self/status). The temp dir
 * is deleted at the end.
 *
 *   npx tsx --conditions=@prefstream/source tools/bench/src/merge-memory.ts [--quick]
 *
 * Writes tools/bench/results/merge-memory.json (or merge-memory.quick.json with --quick).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyVector, CheckpointReader, extractVector, mergeCheckpoints, rawToFloat32, type MergeSummary } from '@prefstream/model';

/** Llama-like shapes (TinyLlama's widths, fewer layers): the 131 MB embedding is the largest tensor. */
const SIZES = {
  full: { vocab: 32_000, hidden: 2048, inter: 5632, layers: 7 },
  quick: { vocab: 256, hidden: 64, inter: 128, layers: 2 },
};
const CHUNK = 1 << 20; // elements generated per write

function layout(s: (typeof SIZES)['full']): { name: string; shape: number[] }[] {
  const t = [{ name: 'model.embed_tokens.weight', shape: [s.vocab, s.hidden] }];
  for (let l = 0; l < s.layers; l++) {
    const p = `model.layers.${l}.`;
    t.push({ name: `${p}input_layernorm.weight`, shape: [s.hidden] });
    for (const m of ['q', 'k', 'v', 'o']) t.push({ name: `${p}self_attn.${m}_proj.weight`, shape: [s.hidden, s.hidden] });
    t.push({ name: `${p}post_attention_layernorm.weight`, shape: [s.hidden] });
    t.push({ name: `${p}mlp.gate_proj.weight`, shape: [s.inter, s.hidden] }, { name: `${p}mlp.up_proj.weight`, shape: [s.inter, s.hidden] }, { name: `${p}mlp.down_proj.weight`, shape: [s.hidden, s.inter] });
  }
  t.push({ name: 'model.norm.weight', shape: [s.hidden] }, { name: 'lm_head.weight', shape: [s.vocab, s.hidden] });
  return t;
}

/** Deterministic pseudo-weights: base(i) in ±0.05; tuned = base + a small delta. */
const value = (tensor: number, i: number, tuned: boolean) => 0.05 * Math.sin(i * 0.7 + tensor) + (tuned ? 0.001 * Math.cos(i * 0.3 + tensor) : 0);

/** Writes one BF16 safetensors checkpoint directory, chunk by chunk. */
async function generate(dir: string, s: (typeof SIZES)['full'], tuned: boolean): Promise<number> {
  await mkdir(dir, { recursive: true });
  const tensors = layout(s);
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const t of tensors) {
    const bytes = t.shape.reduce((a, b) => a * b, 1) * 2;
    header[t.name] = { dtype: 'BF16', shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = Buffer.from(JSON.stringify(header).padEnd(Math.ceil(JSON.stringify(header).length / 8) * 8, ' '));
  const f = await open(join(dir, 'model.safetensors'), 'w');
  try {
    const prefix = Buffer.alloc(8);
    prefix.writeBigUInt64LE(BigInt(json.length));
    await f.write(prefix);
    await f.write(json);
    for (const [k, t] of tensors.entries()) {
      const n = t.shape.reduce((a, b) => a * b, 1);
      for (let at = 0; at < n; at += CHUNK) {
        const values = new Float32Array(Math.min(CHUNK, n - at));
        for (let i = 0; i < values.length; i++) values[i] = t.shape.length === 1 ? 1 : value(k, at + i, tuned);
        // Synthetic data: BF16 by truncation (the top 16 bits) is good enough and fast.
        const bits = new Uint32Array(values.buffer);
        const bf16 = new Uint16Array(values.length);
        for (let i = 0; i < bf16.length; i++) bf16[i] = bits[i]! >>> 16;
        await f.write(bf16);
      }
    }
  } finally {
    await f.close();
  }
  const config = { model_type: 'llama', architectures: ['LlamaForCausalLM'], vocab_size: s.vocab, hidden_size: s.hidden, intermediate_size: s.inter, num_hidden_layers: s.layers, num_attention_heads: 16, num_key_value_heads: 16, tie_word_embeddings: false, torch_dtype: 'bfloat16' };
  await writeFile(join(dir, 'config.json'), JSON.stringify(config, null, 2));
  return offset;
}

function ownPeakRssMB(): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
}

type Op = 'extract' | 'apply' | 'merge';
const OPS: Record<Op, (dir: string) => Promise<MergeSummary>> = {
  extract: (d) => extractVector({ base: join(d, 'base'), tuned: join(d, 'tuned'), out: join(d, 'vector') }),
  apply: (d) => applyVector({ target: join(d, 'base'), vector: join(d, 'vector'), alpha: 1, out: join(d, 'applied') }),
  merge: (d) =>
    mergeCheckpoints(
      { merge_method: 'task_arithmetic', base_model: join(d, 'base'), models: [{ model: join(d, 'tuned'), parameters: { weight: 0.5 } }, { model: join(d, 'applied'), parameters: { weight: 0.5 } }], parameters: { lambda: 1 } },
      { out: join(d, 'merged') },
    ),
};

/** Child: one operation; prints seconds, peak RSS and the summary. */
async function child(op: Op, dir: string): Promise<void> {
  const start = performance.now();
  const summary = await OPS[op](dir);
  const seconds = (performance.now() - start) / 1000;
  process.stdout.write(`${JSON.stringify({ seconds, peakRssMB: ownPeakRssMB(), summary })}\n`);
}

/** max |applied − tuned| over a sample of the embedding (base + (tuned − base) = tuned, up to BF16 rounding). */
async function check(dir: string): Promise<number> {
  const [a, t] = await Promise.all([CheckpointReader.open(join(dir, 'applied')), CheckpointReader.open(join(dir, 'tuned'))]);
  try {
    const x = rawToFloat32(await a.read('model.layers.0.self_attn.q_proj.weight'));
    const y = rawToFloat32(await t.read('model.layers.0.self_attn.q_proj.weight'));
    let max = 0;
    for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i]! - y[i]!));
    return max;
  } finally {
    await a.close();
    await t.close();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1] as Op, args[2]!);
  const quick = args.includes('--quick');
  const s = quick ? SIZES.quick : SIZES.full;
  const dir = await mkdtemp(join(tmpdir(), 'prefstream-bench-merge-'));
  const script = fileURLToPath(import.meta.url);
  try {
    const t0 = performance.now();
    const bytes = await generate(join(dir, 'base'), s, false);
    await generate(join(dir, 'tuned'), s, true);
    console.error(`generated 2 × ${(bytes / 1e9).toFixed(3)} GB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const runs: Record<string, unknown>[] = [];
    for (const op of Object.keys(OPS) as Op[]) {
      const r = spawnSync(process.execPath, [...process.execArgv, script, '--child', op, dir], { encoding: 'utf8', maxBuffer: 1 << 20 });
      if (r.status !== 0) throw new Error(`${op} failed: ${r.stderr}`);
      const m = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { seconds: number; peakRssMB: number; summary: MergeSummary };
      const inputs = op === 'merge' ? 3 : 2;
      runs.push({ op, inputs, seconds: m.seconds, peakRssMB: m.peakRssMB, readMBps: (inputs * bytes) / 1e6 / m.seconds, tensors: m.summary.tensorsWritten, bytesWritten: m.summary.bytesWritten });
      console.error(`${op}: ${m.seconds.toFixed(1)} s, peak RSS ${m.peakRssMB.toFixed(0)} MB`);
    }
    const maxAbsErr = await check(dir);
    const largest = s.vocab * s.hidden * 2;
    const result = {
      bench: 'merge-memory',
      date: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      checkpoint: { dtype: 'BF16', bytes, tensors: layout(s).length, largestTensorBytes: largest, shapes: s },
      runs,
      check: { appliedVsTunedMaxAbsErr: maxAbsErr },
    };
    const out = join(dirname(script), '..', 'results', `merge-memory${quick ? '.quick' : ''}.json`);
    await writeFile(out, JSON.stringify(result, null, 2) + '\n');
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
