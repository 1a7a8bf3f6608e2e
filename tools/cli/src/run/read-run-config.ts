/**
 * Reads a run config file (YAML or JSON — JSON is YAML) and resolves its relative paths against
 * the file's directory, so `prefstream run examples/dpo-tiny/pipeline.yaml` works from anywhere.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '@prefstream/core';
import { parse } from 'yaml';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The config as written, with `data.path`, `model.dir`, `tokenizer.dir`, `reference`, `rewardModel` and `output` made absolute. */
export async function readRunConfig(file: string): Promise<Json> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new ConfigError(file, `cannot read: ${(cause as Error).message}`, cause);
  }
  let config: unknown;
  try {
    config = parse(text);
  } catch (cause) {
    throw new ConfigError(file, `not valid YAML: ${(cause as Error).message}`, cause);
  }
  if (!isObject(config)) throw new ConfigError(file, 'must be a mapping of run options (pipeline, model, data, output, …)');
  const base = path.dirname(path.resolve(file));
  const at = (v: unknown) => (typeof v === 'string' ? path.resolve(base, v) : v);
  const out: Json = { ...config };
  for (const key of ['reference', 'rewardModel', 'output']) if (key in out) out[key] = at(out[key]);
  for (const key of ['model', 'tokenizer']) if (isObject(out[key]) && 'dir' in (out[key] as Json)) out[key] = { ...(out[key] as Json), dir: at((out[key] as Json).dir) };
  if (isObject(out.data) && 'path' in out.data) out.data = { ...out.data, path: at(out.data.path) };
  return out;
}
