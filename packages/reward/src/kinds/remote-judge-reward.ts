/**
 * `remote-judge` reward kind: an LLM behind any OpenAI-compatible `/v1/chat/completions` endpoint
 * (vLLM, llama.cpp, Ollama, `prefstream serve`; DESIGN §6).
 *
 * - `mode: 'score'`: the judge rates each completion; the reward is the number it answers.
 * - `mode: 'compare'`: the judge picks A or B against a baseline in both orders; the hard verdicts
 *   are averaged into P_sym ∈ {0, ½, 1} and converted as in the `pairwise` kind (RSO Eq. 7).
 *
 * Requests run with bounded concurrency, a timeout per attempt, and retries with exponential
 * backoff; a final failure names the prompt_id and row.
 */
import { z } from 'zod';
import { ConfigError } from '@prefstream/core';
import { defineRewardKind, type RewardScorer } from '../reward-kind.js';
import type { PairwisePreferenceModel } from '../pairwise-preference-model.js';
import { askJudge, type ChatRequestOptions } from '../internal/chat-client.js';
import { parseScoreAnswer, parseVerdictAnswer } from '../internal/judge-answer.js';
import { mapBounded } from '../internal/map-bounded.js';
import { baselineColumns } from '../internal/baseline.js';
import { PairwiseConversionOptions, pairwiseScorer } from '../internal/pairwise-scorer.js';
import { renderPairwiseTemplate } from '../pairwise-language-model.js';

export const DEFAULT_SCORE_TEMPLATE =
  'Rate how well the response answers the prompt, from {min} (worst) to {max} (best). Reply with the number only.\n\nPrompt: {prompt}\n\nResponse: {completion}';
export const DEFAULT_COMPARE_TEMPLATE =
  'Which response answers the prompt better? Reply with the single letter A or B only.\n\nPrompt: {prompt}\n\nResponse A: {a}\n\nResponse B: {b}';

export const RemoteJudgeRewardOptions = z
  .strictObject({
    kind: z.literal('remote-judge'),
    /** Base URL including the API prefix, as OpenAI clients take it: `http://127.0.0.1:8000/v1`. */
    baseUrl: z.url(),
    /** The `model` field of each request. */
    model: z.string().min(1),
    /** Name of the environment variable holding the API key (the key itself never goes in a config). */
    apiKeyEnv: z.string().min(1).optional(),
    mode: z.enum(['score', 'compare']).default('score'),
    /** Prompt template; defaults per mode. score: {prompt} {completion} {min} {max}; compare: {prompt} {a} {b}. */
    template: z.string().min(1).optional(),
    /** Score range the judge is asked for; answers outside it are malformed. */
    minScore: z.number().default(1),
    maxScore: z.number().default(10),
    /** 0: the judge's verdict should not depend on a sampling draw. */
    temperature: z.number().min(0).max(2).default(0),
    /** A number or a letter needs a few tokens; a low cap stops an essay early. */
    maxTokens: z.number().int().min(1).default(8),
    /** Requests in flight at once. */
    concurrency: z.number().int().min(1).max(256).default(4),
    /** Per attempt. */
    timeoutMs: z.number().int().min(1).default(60_000),
    /** Extra attempts after the first (network errors, timeouts, 429, 5xx, malformed answers). */
    retries: z.number().int().min(0).max(10).default(3),
    /** Wait before retry i (1-based) is backoffMs · 2^(i−1). */
    backoffMs: z.number().int().min(0).default(500),
    ...PairwiseConversionOptions,
  })
  .refine((o) => o.minScore < o.maxScore, { message: 'minScore must be below maxScore', path: ['maxScore'] })
  .refine((o) => o.template === undefined || (o.mode === 'compare' ? ['{prompt}', '{a}', '{b}'] : ['{prompt}', '{completion}']).every((p) => o.template!.includes(p)), {
    message: 'template must contain {prompt} and {completion} (score mode) or {prompt}, {a} and {b} (compare mode)',
    path: ['template'],
  });
export type RemoteJudgeRewardOptions = z.output<typeof RemoteJudgeRewardOptions>;

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (m, key: string) => values[key] ?? m);
}

/** The `remote-judge` kind. Example: `{ kind: 'remote-judge', baseUrl: 'http://127.0.0.1:8000/v1', model: 'judge' }`. */
export const remoteJudgeReward = defineRewardKind({
  kind: 'remote-judge',
  options: RemoteJudgeRewardOptions,
  requires: (options) => (options.mode === 'compare' ? baselineColumns(options.baseline) : []),
  create(options): RewardScorer {
    const where = `reward kind remote-judge (${options.baseUrl})`;
    const apiKey = options.apiKeyEnv === undefined ? undefined : process.env[options.apiKeyEnv];
    if (options.apiKeyEnv !== undefined && !apiKey) throw new ConfigError(where, `environment variable ${options.apiKeyEnv} (apiKeyEnv) is not set`);
    const chat: ChatRequestOptions = { ...options, apiKey };
    const fail = (err: unknown, promptId: string | undefined, row: number | undefined): Error =>
      new Error(
        `remote judge failed for prompt_id "${promptId}"${row === undefined ? '' : ` (row ${row})`}: ${err instanceof Error ? err.message : String(err)}`,
        { cause: err },
      );

    if (options.mode === 'compare') {
      const template = options.template ?? DEFAULT_COMPARE_TEMPLATE;
      const judge: PairwisePreferenceModel = {
        async preferFirst(items, signal) {
          const p = await mapBounded(
            items,
            options.concurrency,
            async (item) => {
              const content = renderPairwiseTemplate(template, item);
              return askJudge(chat, content, parseVerdictAnswer, signal ?? new AbortController().signal).then(
                (r) => r.value,
                (err: unknown) => Promise.reject(fail(err, item.promptId, undefined)),
              );
            },
            signal,
          );
          return Float64Array.from(p);
        },
      };
      return pairwiseScorer(judge, options);
    }

    const template = options.template ?? DEFAULT_SCORE_TEMPLATE;
    const range = { min: String(options.minScore), max: String(options.maxScore) };
    return {
      async score(rows, signal) {
        let retries = 0;
        const values = await mapBounded(
          rows.prompts,
          options.concurrency,
          async (prompt, i) => {
            const content = fill(template, { ...range, prompt, completion: rows.completions[i]! });
            try {
              const r = await askJudge(chat, content, (a) => parseScoreAnswer(a, options.minScore, options.maxScore), signal);
              retries += r.retries;
              return r.value;
            } catch (err) {
              throw fail(err, rows.promptIds[i], i);
            }
          },
          signal,
        );
        return { rewards: Float64Array.from(values), metrics: { 'judge/retries': retries } };
      },
    };
  },
});
