/**
 * The `generateCandidates` stage: prompts → n sampled candidates per prompt, with their summed
 * log-probs under the sampling policy (RSO arXiv 2309.06657 samples 64 per prompt from the SFT
 * policy; SLiC-HF arXiv 2305.10425 samples 8). The engine — in-process model, worker pool or an
 * OpenAI-compatible server — is chosen by the `engine` option from a registry (DESIGN §6).
 */
import { z } from 'zod';
import { finalize, defer } from 'rxjs';
import { COLUMNS, DataError, defineStage, float32Vector, readStrings, readTokenLists, takeRows, tokenListVector, utf8Vector, withColumns } from '@prefstream/core';
import type { Vector } from 'apache-arrow';
import { CANDIDATE_ENGINES, EngineOption } from './engines/candidate-engines.js';
import type { Candidate, PromptRequest, SamplingParams } from './engines/candidate-engine.js';
import { mapBatches } from './internal/map-batches.js';
import { mapBounded } from './internal/map-bounded.js';

/** Options of {@link generateCandidates}. */
export const GenerateCandidatesOptions = z.strictObject({
  /** Candidates per prompt: RSO samples 64 and keeps 8; SLiC-HF samples 8. */
  n: z.number().int().positive().default(64),
  /** Completion length cap in tokens. */
  maxNewTokens: z.number().int().positive().default(128),
  /** RSO and SLiC-HF sample the SFT policy at temperature 0.7. */
  temperature: z.number().nonnegative().default(0.7),
  /** RSO and SLiC-HF use top-k 40; 0 disables. */
  topK: z.number().int().nonnegative().default(40),
  /** Nucleus sampling; 1 disables. */
  topP: z.number().gt(0).lte(1).default(1),
  /** Stop strings (cut off the completion). */
  stop: z.array(z.string().min(1)).default([]),
  /** `fail`: the first failed prompt fails the stream. `skip`: log it, count it in `generate/prompts_failed`, go on. */
  onError: z.enum(['fail', 'skip']).default('fail'),
  /** Which engine samples; see the engines table in the README. */
  engine: EngineOption.default({ kind: 'local', model: 'policy', tokenizer: 'tokenizer' }),
});
export type GenerateCandidatesOptions = z.infer<typeof GenerateCandidatesOptions>;

/**
 * Stage `generateCandidates`: rows `prompt_id`, `prompt` (+ `prompt_ids`) → n rows per prompt,
 * every input column repeated, plus `completion`, `completion_logps` (Σ per-token log-probs under
 * the sampling distribution) and `completion_ids` (when the engine knows them). All candidates of a
 * prompt are in the same output batch (DESIGN §3). Each prompt gets its own seed from
 * `ctx.rng.split('generateCandidates').split(promptId)`. Engines live as long as a subscription:
 * threads and sockets are released on completion, error and unsubscribe.
 *
 * Metrics per batch: `generate/prompts`, `generate/candidates`, `generate/prompts_failed`, and
 * per engine `generate/requests`, `generate/retries` (openai), `generate/queue_depth_max` (workers).
 *
 * @example
 * prompts$.pipe(generateCandidates.create(GenerateCandidatesOptions.parse({ n: 64, engine: { kind: 'local' } }), ctx));
 */
export const generateCandidates = defineStage({
  kind: 'generateCandidates',
  options: GenerateCandidatesOptions,
  input: 'batch',
  output: 'batch',
  requires: () => [COLUMNS.promptId, COLUMNS.prompt],
  produces: (o) => [COLUMNS.completion, ...(CANDIDATE_ENGINES[o.engine.kind]!.producesIds(o.engine) ? [COLUMNS.completionIds] : []), COLUMNS.completionLogps],
  create(options, ctx) {
    const definition = CANDIDATE_ENGINES[options.engine.kind]!;
    void definition.create(options.engine, ctx).close(); // config errors (missing resources) now, not at the first batch
    const stageRng = ctx.rng.split('generateCandidates');
    const params: SamplingParams = options;
    const where = 'stage generateCandidates';
    return (source) =>
      defer(() => {
        const engine = definition.create(options.engine, ctx);
        const life = new AbortController();
        const onOuterAbort = () => life.abort(ctx.signal?.reason);
        ctx.signal?.addEventListener('abort', onOuterAbort, { once: true });
        return source.pipe(
          mapBatches('generateCandidates', async (batch) => {
            const ids = readStrings(batch, COLUMNS.promptId, where);
            const texts = batch.getChild(COLUMNS.prompt) ? readStrings(batch, COLUMNS.prompt, where) : undefined;
            const tokens = batch.getChild(COLUMNS.promptIds) ? readTokenLists(batch, COLUMNS.promptIds, where) : undefined;
            if (!texts && !tokens) throw new DataError({ file: where, field: COLUMNS.prompt, message: 'prompts need a "prompt" or "prompt_ids" column' });
            const unique = new Set(ids);
            if (unique.size !== ids.length) {
              const dup = ids.find((id, i) => ids.indexOf(id) !== i);
              throw new DataError({ file: where, field: COLUMNS.promptId, message: `prompt "${dup}" appears more than once in the batch` });
            }
            const requests: PromptRequest[] = ids.map((promptId, i) => ({ promptId, prompt: texts?.[i], promptIds: tokens?.[i] }));
            const batchAbort = new AbortController();
            const onLifeAbort = () => batchAbort.abort(life.signal.reason);
            life.signal.addEventListener('abort', onLifeAbort, { once: true });
            let results;
            let firstError: unknown;
            try {
              results = await mapBounded(
                requests,
                engine.concurrency,
                (r) => engine.generate(r, params, stageRng.split(r.promptId).nextSeed(), batchAbort.signal),
                (error) => {
                  if (options.onError === 'skip') return false;
                  if (firstError === undefined) firstError = error;
                  batchAbort.abort(new Error('another prompt of the batch failed'));
                  return true;
                },
              );
            } finally {
              life.signal.removeEventListener('abort', onLifeAbort);
            }
            if (life.signal.aborted) return null; // unsubscribed mid-batch: nobody listens, report nothing
            const rows: number[] = [];
            const candidates: Candidate[] = [];
            let failed = 0;
            for (let i = 0; i < results.length; i++) {
              const result = results[i]!;
              if (result.ok) {
                for (const c of result.value) {
                  rows.push(i);
                  candidates.push(c);
                }
                continue;
              }
              if (options.onError === 'fail') throw firstError ?? result.error;
              failed++;
              ctx.log.error(`generateCandidates: skipped prompt "${ids[i]}": ${result.error instanceof Error ? result.error.message : String(result.error)}`);
            }
            ctx.metrics.record(
              { 'generate/prompts': ids.length, 'generate/candidates': candidates.length, 'generate/prompts_failed': failed, ...engine.takeMetrics() },
              { stage: 'generateCandidates' },
            );
            if (rows.length === 0) return null;
            const columns: Record<string, Vector> = {
              [COLUMNS.completion]: utf8Vector(candidates.map((c) => c.completion)),
              [COLUMNS.completionLogps]: float32Vector(Float32Array.from(candidates, (c) => c.logp)),
            };
            if (definition.producesIds(options.engine)) {
              columns[COLUMNS.completionIds] = tokenListVector(
                candidates.map((c, k) => {
                  if (!c.completionIds) throw new DataError({ file: where, field: COLUMNS.completionIds, message: `prompt "${ids[rows[k]!]}": the engine returned no token ids` });
                  return c.completionIds as number[];
                }),
              );
            }
            return withColumns(takeRows(batch, rows), columns);
          }),
          finalize(() => {
            ctx.signal?.removeEventListener('abort', onOuterAbort);
            life.abort(new Error('generateCandidates: stream ended'));
            void engine.close();
          }),
        );
      });
  },
});
