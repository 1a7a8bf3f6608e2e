/**
 * `function` reward kind (spec §7 "Functions"): any `(prompt, completion) → number | Promise<number>`
 * registered in `ctx.resources` — verifiers, unit-test runners, regexes. Async functions run with a
 * bounded number of calls in flight.
 */
import { z } from 'zod';
import { defineRewardKind, type RewardScorer } from '../reward-kind.js';
import { mapBounded } from '../internal/map-bounded.js';
import { resourceOf } from '../internal/resource.js';

/** A reward function. Receives the row's prompt id as context for logging or caching. */
export type RewardFunction = (prompt: string, completion: string, info: { promptId: string }) => number | Promise<number>;

export const FunctionRewardOptions = z.strictObject({
  kind: z.literal('function'),
  /** Name of the function in `ctx.resources`. */
  fn: z.string().min(1),
  /** Calls in flight at once (async functions). 8: enough to hide I/O latency, bounded for the callee. */
  concurrency: z.number().int().min(1).max(1024).default(8),
});
export type FunctionRewardOptions = z.output<typeof FunctionRewardOptions>;

const isFunction = (v: unknown): v is RewardFunction => typeof v === 'function';

/** The `function` kind. Example: `{ kind: 'function', fn: 'lengthReward' }`. */
export const functionReward = defineRewardKind({
  kind: 'function',
  options: FunctionRewardOptions,
  requires: () => [],
  create(options, ctx): RewardScorer {
    const where = `reward kind function (fn "${options.fn}")`;
    const fn = resourceOf(ctx, options.fn, where, 'a function (prompt, completion) => number', isFunction);
    return {
      async score(rows, signal) {
        const values = await mapBounded(
          rows.prompts,
          options.concurrency,
          async (prompt, i) => {
            try {
              return await fn(prompt, rows.completions[i]!, { promptId: rows.promptIds[i]! });
            } catch (err) {
              const why = err instanceof Error ? err.message : String(err);
              throw new Error(`reward function "${options.fn}" failed on prompt_id "${rows.promptIds[i]}" (row ${i}): ${why}`, { cause: err });
            }
          },
          signal,
        );
        const rewards = new Float64Array(values.length);
        values.forEach((v, i) => {
          // A function returning a string or undefined is a bug to report, not a NaN to pass on.
          if (typeof v !== 'number') {
            throw new Error(`reward function "${options.fn}" returned ${typeof v} for prompt_id "${rows.promptIds[i]}" (row ${i}); expected a number`);
          }
          rewards[i] = v;
        });
        return { rewards };
      },
    };
  },
});
