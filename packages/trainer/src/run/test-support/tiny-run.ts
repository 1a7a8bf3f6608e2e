/** Tiny models and data for run tests: a 1-layer GPT-2 over bytes and a few rows per pipeline. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CausalLM, parseModelConfig, SafetensorsReader } from '@prefstream/model';
import type { RunConfigInput } from '../run-config.js';

export const TINY_GPT2 = { model_type: 'gpt2', vocab_size: 258, n_embd: 16, n_layer: 1, n_head: 2, n_positions: 64 };
export const MODEL_SEED = 3;

export function tinyModel(): CausalLM {
  return CausalLM.random(parseModelConfig(TINY_GPT2), MODEL_SEED);
}

const PAIRS = [
  { prompt: 'hi: ', chosen: 'hello', rejected: 'no' },
  { prompt: 'ok? ', chosen: 'yes', rejected: 'nah' },
  { prompt: 'say a: ', chosen: 'a', rejected: 'b' },
  { prompt: 'wave: ', chosen: 'wave!', rejected: 'meh' },
];

/** Rows for each pipeline's data (DESIGN §4 "read …"). */
export const TINY_DATA: Record<string, object[]> = {
  dpo: PAIRS,
  'reward-model': PAIRS,
  copg: PAIRS.map((p, i) => ({ ...p, chosen_reward: 1 + i * 0.1, rejected_reward: -0.5 })),
  sft: PAIRS.map(({ prompt, chosen }) => ({ prompt, completion: chosen })),
  crlft: PAIRS.flatMap(({ prompt, chosen, rejected }) => [
    { prompt, completion: chosen, condition: 'GPT4', weight: 1 },
    { prompt, completion: rejected, condition: 'GPT3', weight: 0.3 },
  ]),
  slic: PAIRS.map(({ prompt }, i) => ({ prompt_id: `p${i}`, prompt })),
  rso: PAIRS.map(({ prompt }, i) => ({ prompt_id: `p${i}`, prompt })),
};

export async function tempDir(prefix = 'prefstream-run-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function writeJsonl(dir: string, name: string, rows: readonly object[]): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
}

/** A run config over the tiny model with a byte tokenizer. */
export function tinyRunConfig(pipeline: Record<string, unknown>, data: string, output: string, extra: Partial<RunConfigInput> = {}): RunConfigInput {
  return {
    pipeline: pipeline as RunConfigInput['pipeline'],
    model: { random: TINY_GPT2, seed: MODEL_SEED },
    tokenizer: { kind: 'byte' },
    data: { path: data },
    optimizer: { name: 'adamw', learningRate: 0.01, weightDecay: 0 },
    output,
    seed: 11,
    batchRows: 2,
    ...extra,
  };
}

/** Every tensor of a safetensors file as Float32Array, by name. */
export async function readWeights(file: string): Promise<Map<string, Float32Array>> {
  const reader = await SafetensorsReader.open(file);
  try {
    const out = new Map<string, Float32Array>();
    for (const name of reader.names()) out.set(name, (await reader.readFloat32(name)).values);
    return out;
  } finally {
    await reader.close();
  }
}
