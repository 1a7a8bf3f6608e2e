/**
 * `prefstream inspect <dir>`: what a model directory holds, read from config.json, the
 * safetensors headers and the tokenizer files — no weights are loaded, so it is instant on any size.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DataError } from '@prefstream/core';
import { CheckpointReader, hasTokenizer, loadTokenizer, parseModelConfig } from '@prefstream/model';
import { UsageError, type Command } from './command.js';

const USAGE = `usage: prefstream inspect <dir> [--json]

Prints a Hugging Face model directory's architecture, parameter count, weight dtypes, vocabulary
size, tokenizer and whether it has a chat template.

  --json   print one JSON object instead of aligned lines`;

/** What `inspect` reports. */
export interface ModelSummary {
  dir: string;
  architecture: string;
  modelType: string;
  /** config.json `architectures[0]`, e.g. GPT2LMHeadModel. */
  hfClass: string | null;
  /** Σ elements over stored tensors (a tied head is stored once, so counted once). */
  parameters: number;
  tensors: number;
  /** dtype → number of tensors stored in it. */
  dtypes: Record<string, number>;
  vocabSize: number;
  layers: number;
  hiddenSize: number;
  heads: number;
  kvHeads: number;
  maxPositions: number;
  tiedEmbeddings: boolean;
  tokenizer: { kind: string; vocabSize: number; bosTokenId: number | null; eosTokenId: number | null; padTokenId: number | null } | null;
  chatTemplate: boolean;
}

function parseFlags(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: { json: { type: 'boolean', default: false } }, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** Reads the summary of a model directory. @throws DataError naming the file on bad input. */
export async function summarizeModel(dir: string): Promise<ModelSummary> {
  const configPath = path.join(dir, 'config.json');
  let json: unknown;
  try {
    json = JSON.parse(await readFile(configPath, 'utf8'));
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
    throw new DataError({ file: configPath, message: missing ? 'not found: not a Hugging Face model directory' : `cannot read: ${(cause as Error).message}`, cause });
  }
  const config = parseModelConfig(json, configPath);
  const reader = await CheckpointReader.open(dir);
  let parameters = 0;
  const dtypes: Record<string, number> = {};
  try {
    for (const name of reader.names()) {
      const info = await reader.info(name);
      parameters += info.shape.reduce((a, b) => a * b, 1);
      dtypes[info.dtype] = (dtypes[info.dtype] ?? 0) + 1;
    }
  } finally {
    await reader.close();
  }
  const tokenizer = hasTokenizer(dir) ? await loadTokenizer(dir) : undefined;
  const described = tokenizer as { kind?: string; hasChatTemplate?: boolean } | undefined;
  const architectures = (json as { architectures?: unknown }).architectures;
  return {
    dir,
    architecture: config.architecture,
    modelType: config.modelType,
    hfClass: Array.isArray(architectures) && typeof architectures[0] === 'string' ? architectures[0] : null,
    parameters,
    tensors: reader.names().length,
    dtypes,
    vocabSize: config.vocabSize,
    layers: config.numLayers,
    hiddenSize: config.hiddenSize,
    heads: config.numHeads,
    kvHeads: config.numKvHeads,
    maxPositions: config.maxPositions,
    tiedEmbeddings: config.tieWordEmbeddings,
    tokenizer: tokenizer
      ? { kind: described?.kind ?? 'custom', vocabSize: tokenizer.vocabSize, bosTokenId: tokenizer.bosTokenId ?? null, eosTokenId: tokenizer.eosTokenId ?? null, padTokenId: tokenizer.padTokenId ?? null }
      : null,
    chatTemplate: described?.hasChatTemplate ?? false,
  };
}

function formatSummary(s: ModelSummary): string {
  const id = (v: number | null) => (v === null ? '—' : String(v));
  const rows: [string, string][] = [
    ['model', s.dir],
    ['architecture', `${s.architecture} (model_type ${s.modelType}${s.hfClass ? `, ${s.hfClass}` : ''})`],
    ['parameters', `${s.parameters.toLocaleString('en-US')} in ${s.tensors} tensors${s.tiedEmbeddings ? ' (head tied to the embeddings)' : ''}`],
    ['dtype', Object.entries(s.dtypes).map(([d, n]) => `${d} (${n} tensors)`).join(', ')],
    ['vocab size', String(s.vocabSize)],
    ['shape', `${s.layers} layers, hidden ${s.hiddenSize}, ${s.heads} heads (${s.kvHeads} kv), ${s.maxPositions} positions`],
    ['tokenizer', s.tokenizer ? `${s.tokenizer.kind}, vocab ${s.tokenizer.vocabSize}, bos ${id(s.tokenizer.bosTokenId)}, eos ${id(s.tokenizer.eosTokenId)}, pad ${id(s.tokenizer.padTokenId)}` : 'none'],
    ['chat template', s.chatTemplate ? 'yes' : 'no'],
  ];
  return rows.map(([k, v]) => `${k.padEnd(14)} ${v}`).join('\n');
}

export const inspect: Command = {
  name: 'inspect',
  summary: 'architecture, parameters, dtypes, vocabulary and tokenizer of a model directory',
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseFlags(argv);
    if (positionals.length !== 1) throw new UsageError(`expected one model directory, got ${positionals.length}`);
    const summary = await summarizeModel(positionals[0]!);
    console.log(values.json ? JSON.stringify(summary) : formatSummary(summary));
    return 0;
  },
};
