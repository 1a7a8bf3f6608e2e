/**
 * Model benchmark: one DPO step (chosen + rejected through the policy with gradients via
 * `tf.variableGrads`, the reference without, sigmoid loss, Adam update) in tokens/s with peak RSS,
 * and KV-cache generation in new tokens/s at batch 1 and 16 — on GPT-2-style models of three
 * sizes, each in its own child process so its peak RSS is its own. Same workload as the PyTorch
 * baseline (src/torch/dpo_step.py): random ids, first half prompt, second half completion.
 *
 *   npx tsx --conditions=@prefstream/source tools/bench/src/model-dpo-step.ts [--quick]
 *
 * Writes tools/bench/results/model-dpo-step.json (model-dpo-step.quick.json with --quick: tiny,
 * 2 steps). When results/model-torch.json exists, records prefstream / PyTorch per config.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng, initBackend, tf, type Scalar, type Variable } from '@prefstream/core';
import { CausalLM, packSequences, parseModelConfig, type PackedBatch } from '@prefstream/model';

const CONFIGS = {
  tiny: { vocab: 256, d: 64, layers: 2, heads: 2, T: 64, B: 8 },
  small: { vocab: 512, d: 128, layers: 4, heads: 4, T: 128, B: 8 },
  medium: { vocab: 2048, d: 256, layers: 4, heads: 8, T: 128, B: 8 },
} as const;
type ConfigName = keyof typeof CONFIGS;
const STEPS: Record<ConfigName, number> = { tiny: 10, small: 6, medium: 4 };
const BETA = 0.1;
const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rssMiB = () => process.resourceUsage().maxRSS / 1024;

/** Chosen rows then rejected rows, each B × T random ids: first half prompt, second half completion. */
function dpoBatch(V: number, B: number, T: number, rng: Rng): PackedBatch {
  const rows = Array.from({ length: 2 * B }, () => Array.from({ length: T }, () => rng.int(V)));
  return packSequences(rows.map((r) => r.slice(0, T / 2)), rows.map((r) => r.slice(T / 2)), { padSide: 'right', padTokenId: 0 });
}

/** −log σ(β·h) with log σ(u) = −softplus(−u) (tf.logSigmoid's gradient is broken in 4.22). */
function dpoStep(policy: CausalLM, reference: CausalLM, batch: PackedBatch, B: number, optimizer: tf.Optimizer, vars: Variable[]): number {
  return tf.tidy(() => {
    // Own tidy: only the (2B,) result outlives it, not the reference's activations.
    const ref = tf.tidy(() => reference.sequenceLogps(batch).logps); // (2B,), no gradient taken
    const { value, grads } = tf.variableGrads(() => {
      const lr = tf.sub(policy.sequenceLogps(batch).logps, ref); // (2B,)
      const h = tf.sub(tf.slice(lr, 0, B), tf.slice(lr, B, B)); // (B,)
      return tf.mean(tf.softplus(tf.neg(tf.mul(h, BETA)))) as Scalar;
    }, vars);
    optimizer.applyGradients(grads);
    return value.dataSync()[0]!;
  });
}

async function child(name: ConfigName, quick: boolean): Promise<void> {
  const backend = await initBackend({ prefer: 'wasm', log: () => {} });
  const c = CONFIGS[name];
  const config = parseModelConfig({ model_type: 'gpt2', vocab_size: c.vocab, n_embd: c.d, n_layer: c.layers, n_head: c.heads, n_positions: c.T });
  const policy = CausalLM.random(config, 0);
  const reference = CausalLM.random(config, 0);
  const vars = [...policy.trainableVariables().values()];
  const optimizer = tf.train.adam(1e-4);
  const rng = new Rng(1);
  const batch = dpoBatch(c.vocab, c.B, c.T, rng);
  const steps = quick ? 2 : STEPS[name];
  for (let i = 0; i < (quick ? 1 : 2); i++) dpoStep(policy, reference, batch, c.B, optimizer, vars); // warm-up
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    dpoStep(policy, reference, batch, c.B, optimizer, vars);
    times.push((performance.now() - t0) / 1000);
  }
  const stepS = median(times);
  const dpoRss = rssMiB();
  const generate: Record<string, unknown> = {};
  const newTokens = quick ? 8 : c.T / 2;
  for (const b of [1, 16]) {
    const prompts = Array.from({ length: b }, () => Array.from({ length: c.T / 4 }, () => rng.int(c.vocab)));
    await policy.generate(prompts, { maxNewTokens: 4, temperature: 1, eosTokenIds: [], seed: 1 }); // warm-up
    const t0 = performance.now();
    await policy.generate(prompts, { maxNewTokens: newTokens, temperature: 1, eosTokenIds: [], seed: 2 });
    const s = (performance.now() - t0) / 1000;
    generate[`batch${b}`] = { new_tokens_per_s: +((b * newTokens) / s).toFixed(1), prompt_tokens: c.T / 4, new_tokens: newTokens };
  }
  const parameters = vars.reduce((n, v) => n + v.size, 0);
  const tokens = 2 * c.B * c.T;
  console.log(
    JSON.stringify({
      backend: backend.name,
      config: c,
      parameters,
      dpo_step: {
        tokens_per_step: tokens,
        median_step_s: +stepS.toFixed(5),
        tokens_per_s: +(tokens / stepS).toFixed(1),
        tokens_per_s_best: +(tokens / Math.min(...times)).toFixed(1),
        steps_timed: steps,
        peak_rss_mib: +dpoRss.toFixed(1),
      },
      generate,
      peak_rss_mib_after_generate: +rssMiB().toFixed(1),
    }),
  );
}

function runChild(name: ConfigName, quick: boolean): Record<string, any> {
  const script = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, [...process.execArgv, script, '--child', name, ...(quick ? ['--quick'] : [])], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`child for ${name} failed (status ${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

/** prefstream / PyTorch per config, when the PyTorch baseline has been run. */
function ratios(configs: Record<string, any>): Record<string, unknown> | undefined {
  const file = join(RESULTS, 'model-torch.json');
  if (!existsSync(file)) return undefined;
  const torch = JSON.parse(readFileSync(file, 'utf8')) as { configs: Record<string, any> };
  const out: Record<string, unknown> = {};
  for (const [name, r] of Object.entries(configs)) {
    const t = torch.configs[name];
    if (!t) continue;
    const ratio = (a: number, b: number) => +(a / b).toFixed(3);
    out[name] = {
      dpo_tokens_per_s: ratio(r.dpo_step.tokens_per_s, t.dpo_step.tokens_per_s),
      ...(t.dpo_step.tokens_per_s_best ? { dpo_tokens_per_s_best: ratio(r.dpo_step.tokens_per_s_best, t.dpo_step.tokens_per_s_best) } : {}),
      dpo_peak_rss: ratio(r.dpo_step.peak_rss_mib, t.dpo_step.peak_rss_mib),
      generate_batch1: ratio(r.generate.batch1.new_tokens_per_s, t.generate.batch1.new_tokens_per_s),
      generate_batch16: ratio(r.generate.batch16.new_tokens_per_s, t.generate.batch16.new_tokens_per_s),
    };
  }
  return out;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  if (args[0] === '--child') return child(args[1] as ConfigName, quick);
  const result: Record<string, any> = {
    benchmark: 'model-dpo-step',
    date_utc: new Date().toISOString(),
    node: process.version,
    definition: 'tokens_per_s = 2·B·T / median step (chosen + rejected through the policy with grad; the reference forward without grad, the loss, backward and Adam are inside the step); generate: new tokens/s at temperature 1 with a KV cache, prompt T/4, T/2 new tokens',
    note: 'shared 2-core machine, other jobs running: compare ratios within one run',
    load_average_before: loadavg().map((x) => +x.toFixed(2)),
    configs: {},
  };
  for (const name of quick ? (['tiny'] as const) : (Object.keys(CONFIGS) as ConfigName[])) {
    const r = runChild(name, quick);
    result.configs[name] = r;
    console.log(
      `${name}: DPO ${r.dpo_step.tokens_per_s.toFixed(0)} tok/s (best ${r.dpo_step.tokens_per_s_best.toFixed(0)}), peak RSS ${r.dpo_step.peak_rss_mib.toFixed(0)} MiB, ` +
        `generate b1 ${r.generate.batch1.new_tokens_per_s} / b16 ${r.generate.batch16.new_tokens_per_s} new tok/s`,
    );
  }
  result.load_average_after = loadavg().map((x) => +x.toFixed(2));
  const vsTorch = ratios(result.configs);
  if (vsTorch) {
    result.ratio_vs_torch = vsTorch;
    for (const [name, r] of Object.entries(vsTorch)) console.log(`${name} prefstream/PyTorch: ${JSON.stringify(r)}`);
  }
  mkdirSync(RESULTS, { recursive: true });
  const out = join(RESULTS, quick ? 'model-dpo-step.quick.json' : 'model-dpo-step.json');
  writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  console.log(`wrote ${out}`);
}

await main();
