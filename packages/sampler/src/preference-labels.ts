/**
 * Soft labels for built pairs: the `preference` column, P(chosen ≻ rejected) ∈ [0, 1] (RSO
 * arXiv 2309.06657 §3.3: pairs are labeled by the reward or preference model, the soft label kept
 * for losses that take one). A registry keyed by `kind`; `buildPairs` picks one by option.
 */
import { z } from 'zod';
import { DataError } from '@prefstream/core';

/** One labeled pair, as a preference function sees it. */
export interface PairForPreference {
  readonly promptId: string;
  readonly prompt: string | undefined;
  readonly chosen: string;
  readonly rejected: string;
  readonly chosenReward: number;
  readonly rejectedReward: number;
}

/**
 * A user preference function, given to the run as a named resource: P(chosen ≻ rejected).
 * Must return a finite number in [0, 1].
 */
export type PreferenceFunction = (pair: PairForPreference) => number | Promise<number>;

/** The `preference` option of `buildPairs`: which soft label to write, if any. */
export const PreferenceOption = z
  .discriminatedUnion('kind', [
    /** No `preference` column (hard labels only — the spec's default). */
    z.strictObject({ kind: z.literal('none') }),
    /** Bradley–Terry on the reward margin: σ((r_w − r_l)/temperature). Temperature 1 = rewards are BT logits. */
    z.strictObject({ kind: z.literal('sigmoid'), temperature: z.number().positive().default(1) }),
    /** A {@link PreferenceFunction} from `ctx.resources` under `resource`. */
    z.strictObject({ kind: z.literal('function'), resource: z.string().min(1).default('preference') }),
  ])
  .default({ kind: 'none' });
export type PreferenceOption = z.infer<typeof PreferenceOption>;

/** A batch of labeled pairs, columnar: (P,) each. */
export interface PairColumns {
  readonly promptIds: readonly string[];
  readonly prompts: readonly string[] | undefined;
  readonly chosen: readonly string[];
  readonly rejected: readonly string[];
  readonly chosenRewards: Float32Array;
  readonly rejectedRewards: Float32Array;
}

/** Computes (P,) preferences for a batch of pairs. */
export type PairLabeler = (pairs: PairColumns) => Promise<Float32Array>;

/** Builds the labeler of one kind (null = no column). `resources` resolves a function by name. */
type Labeler<O> = (option: O, resources: ReadonlyMap<string, unknown>) => PairLabeler | null;

/** Stable σ(x) for any finite x (never exp of a large positive number). */
function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

const LABELERS: { [K in PreferenceOption['kind']]: Labeler<Extract<PreferenceOption, { kind: K }>> } = {
  none: () => null,
  sigmoid: (option) => async (pairs) => {
    const out = new Float32Array(pairs.chosenRewards.length); // (P,)
    for (let i = 0; i < out.length; i++) out[i] = sigmoid((pairs.chosenRewards[i]! - pairs.rejectedRewards[i]!) / option.temperature);
    return out;
  },
  function: (option, resources) => {
    const fn = resources.get(option.resource);
    if (typeof fn !== 'function') {
      throw new DataError({ field: 'preference', message: `resource "${option.resource}" is not a preference function (got ${fn === undefined ? 'nothing' : typeof fn}; present: ${[...resources.keys()].join(', ') || 'none'})` });
    }
    const preference = fn as PreferenceFunction;
    return async (pairs) => {
      const out = new Float32Array(pairs.chosen.length);
      // One call at a time: a judge behind the function bounds its own concurrency.
      for (let i = 0; i < out.length; i++) {
        const row: PairForPreference = {
          promptId: pairs.promptIds[i]!,
          prompt: pairs.prompts?.[i],
          chosen: pairs.chosen[i]!,
          rejected: pairs.rejected[i]!,
          chosenReward: pairs.chosenRewards[i]!,
          rejectedReward: pairs.rejectedRewards[i]!,
        };
        const p = await preference(row);
        if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
          throw new DataError({ row: i, field: 'preference', message: `preference function "${option.resource}" returned ${String(p)} for prompt "${row.promptId}"; expected a number in [0, 1]` });
        }
        out[i] = p;
      }
      return out;
    };
  },
};

/**
 * The labeler for `option`, or null when no `preference` column is wanted.
 * @example preferenceLabeler({ kind: 'sigmoid', temperature: 1 }, new Map());
 */
export function preferenceLabeler(option: PreferenceOption, resources: ReadonlyMap<string, unknown>) {
  return (LABELERS[option.kind] as Labeler<PreferenceOption>)(option, resources);
}
