/**
 * `referenceLogps`: adds the summed log-probs of the completions under a frozen reference policy
 * (`ref_chosen_logps` / `ref_rejected_logps` for pairs, `ref_logps` for single completions),
 * micro-batched and without gradient, cached on disk (see internal/reference-cache.ts) so a second
 * run, streaming or not, never recomputes them.
 */
import path from 'node:path';
import { COLUMNS, ConfigError, defineStage, float32Vector, readTokenLists, withColumns, type Batch, type StageContext } from '@prefstream/core';
import type { LogProbModel } from '@prefstream/model';
import { concatMap, type OperatorFunction } from 'rxjs';
import { z } from 'zod';
import { frozenLogps } from './internal/frozen-logps.js';
import { PackingOptions } from './internal/packing-options.js';
import { batchKey, cacheFile, hashJson, readCache, writeCache } from './internal/reference-cache.js';
import { logProbModelResource, tokenizerResource } from './internal/resources.js';
import { asBatch, stageError } from './internal/stage-input.js';
import { REF_TOKEN_LOGPS, tokenLogpsOperator } from './token-logps.js';

const STAGE = 'referenceLogps';

/** Options of the `referenceLogps` stage. @example ReferenceLogpsOptions.parse({ reference: 'sft', microBatchSize: 16 }) */
export const ReferenceLogpsOptions = z.strictObject({
  reference: z.string().default('reference').describe('Resource name of the frozen reference LogProbModel (π_ref / π_sft).'),
  completions: z
    .enum(['pairs', 'single'])
    .default('pairs')
    .describe('`pairs`: chosen_ids/rejected_ids → ref_chosen_logps/ref_rejected_logps; `single`: completion_ids → ref_logps.'),
  microBatchSize: z.number().int().positive().default(8).describe('Sequences per reference forward; bounds activation memory (the wasm heap is 4 GiB).'),
  cache: z.boolean().default(true).describe('Cache results on disk as Arrow IPC (needs cacheDir or ctx.workDir).'),
  cacheDir: z.string().optional().describe('Cache directory; default `<ctx.workDir>/cache/reference-logps`.'),
  tokenizer: z.string().optional().describe('Resource name of the tokenizer that produced the ids; its fingerprint joins the cache key.'),
  template: z.string().default('').describe('The chat template (or its name) that rendered the prompts; joins the cache key.'),
  perToken: z
    .boolean()
    .default(false)
    .describe('With `completions: single`: write `ref_token_logps` (List<Float32>, one log-prob per completion token, as GRPO\'s k3 KL needs) instead of `ref_logps`; not cached.'),
  ...PackingOptions,
});
/** Parsed {@link ReferenceLogpsOptions}. */
export type ReferenceLogpsOptions = z.output<typeof ReferenceLogpsOptions>;

const LAYOUT = {
  pairs: { inputs: [COLUMNS.chosenIds, COLUMNS.rejectedIds], outputs: [COLUMNS.refChosenLogps, COLUMNS.refRejectedLogps] },
  single: { inputs: [COLUMNS.completionIds], outputs: [COLUMNS.refLogps] },
} as const;

interface Runtime {
  readonly model: LogProbModel;
  readonly o: ReferenceLogpsOptions;
  readonly ctx: StageContext;
  readonly dir: string | undefined;
  /** The model part of the cache key, computed once per stage instance. */
  modelKey?: Promise<string>;
}

function modelKeyOf(rt: Runtime): Promise<string> {
  rt.modelKey ??= (async () => {
    const { o, ctx } = rt;
    const tokenizer = o.tokenizer === undefined ? null : tokenizerResource(ctx, o.tokenizer, STAGE, 'tokenizer').fingerprint();
    const packing = { padSide: o.padSide, padTokenId: o.padTokenId, maxLength: o.maxLength ?? null };
    return hashJson({ version: 1, reference: await rt.model.fingerprint(), tokenizer, template: o.template, packing, completions: o.completions });
  })();
  return rt.modelKey;
}

async function addReferenceLogps(batch: Batch, rt: Runtime): Promise<Batch> {
  const { o } = rt;
  const layout = LAYOUT[o.completions];
  const prompts = readTokenLists(batch, COLUMNS.promptIds, STAGE);
  const sides = layout.inputs.map((name) => readTokenLists(batch, name, STAGE));
  const B = batch.numRows;
  const file = rt.dir === undefined ? undefined : cacheFile(rt.dir, batchKey(await modelKeyOf(rt), [prompts, ...sides]));
  const key = file === undefined ? '' : path.basename(file, '.arrow');
  const cached = file === undefined ? undefined : await readCache(file, key, B, layout.outputs);
  let columns = cached;
  if (columns === undefined) {
    const packing = { padSide: o.padSide, padTokenId: o.padTokenId, maxLength: o.maxLength };
    const flat = await frozenLogps(rt.model, sides.flatMap(() => prompts), sides.flat(), o.microBatchSize, packing); // (sides·B,)
    columns = Object.fromEntries(layout.outputs.map((name, s) => [name, flat.slice(s * B, (s + 1) * B)]));
    if (file !== undefined) await writeCache(file, key, columns);
  }
  rt.ctx.metrics.record({ 'reference_logps/cache_hit': cached ? 1 : 0, 'reference_logps/rows': B }, { stage: STAGE });
  return withColumns(batch, Object.fromEntries(Object.entries(columns).map(([name, values]) => [name, float32Vector(values)])));
}

/**
 * Stage definition (kind `referenceLogps`, batch → batch).
 * @example
 * // YAML: - { kind: referenceLogps, reference: sft, microBatchSize: 16 }
 * const op = referenceLogps.create(referenceLogps.options.parse({ reference: 'sft' }), ctx);
 */
export const referenceLogps = defineStage({
  kind: STAGE,
  options: ReferenceLogpsOptions,
  input: 'batch',
  output: 'batch',
  requires: (o) => [COLUMNS.promptIds, ...LAYOUT[o.completions].inputs],
  produces: (o) => (o.perToken ? [REF_TOKEN_LOGPS] : [...LAYOUT[o.completions].outputs]),
  create: (o, ctx): OperatorFunction<unknown, Batch> => {
    const model = logProbModelResource(ctx, o.reference, STAGE, 'reference');
    if (o.perToken) {
      if (o.completions !== 'single') throw new ConfigError(`stage ${STAGE}`, 'perToken: true needs completions: single (per-token values of completion_ids)');
      // Sampled completions never repeat, so a cache would only grow: per-token values are not cached.
      return tokenLogpsOperator(model, { ...o, output: REF_TOKEN_LOGPS }, STAGE);
    }
    if (o.tokenizer !== undefined) tokenizerResource(ctx, o.tokenizer, STAGE, 'tokenizer');
    const dir = !o.cache ? undefined : (o.cacheDir ?? (ctx.workDir === undefined ? undefined : path.join(ctx.workDir, 'cache', 'reference-logps')));
    if (o.cache && dir === undefined) ctx.log.warn(`${STAGE}: no cacheDir and no workDir, reference log-probs are not cached`);
    const rt: Runtime = { model, o, ctx, dir };
    return concatMap(async (item, index) => {
      try {
        return await addReferenceLogps(asBatch(item as Batch, STAGE, index), rt);
      } catch (err) {
        throw stageError(STAGE, index, err);
      }
    });
  },
});
