/**
 * Merge methods by mergekit name. Each validates its parameters and builds the float32 chunk
 * combination out = f(B, M_1…M_k). Adding a method is an entry here and a README row.
 */
import { z } from 'zod';
import { strictObject as strict } from './internal/strict-object.js';

/** Combines one element range of the base (first) and every other model, in config order. */
export type MergeCombine = (chunks: Float32Array[]) => Float32Array;

/** A merge method: its parameter schemas and the chunk combination it builds. */
export interface MergeMethod {
  /** Global `parameters:` schema (strict: unknown keys are errors). */
  readonly parameters: z.ZodType;
  /** Each model's `parameters:` schema. */
  readonly modelParameters: z.ZodType;
  /** @param weights one per non-base model, in config order. */
  build(parameters: Record<string, unknown>, weights: readonly number[]): MergeCombine;
}


const TaskArithmeticParameters = strict({
  /** λ, scales the mixed delta (mergekit default 1.0). */
  lambda: z.number().default(1),
  /** Divide the weighted sum by Σw (mergekit's task_arithmetic default: false). */
  normalize: z.boolean().default(false),
});

/**
 * mergekit `task_arithmetic` (Ilharco et al., arXiv 2212.04089; mergekit
 * generalized_task_arithmetic.py without sparsification or sign consensus):
 * δ_i = M_i − B; mixed = Σ_i w_i·δ_i; if normalize: mixed /= Σ_i w_i (left as is when |Σw| < 1e-8);
 * mixed *= λ; out = B + mixed. Each operation is rounded to float32, in mergekit's order.
 */
const taskArithmetic: MergeMethod = {
  parameters: TaskArithmeticParameters,
  modelParameters: strict({ weight: z.number() }),
  build(raw, weights) {
    const { lambda, normalize } = TaskArithmeticParameters.parse(raw);
    const f = Math.fround;
    const sum = weights.reduce((a, b) => f(a + f(b)), 0);
    const divisor = Math.abs(sum) < 1e-8 ? 1 : sum;
    const w = weights.map(f);
    return ([base, ...models]) => {
      const b = base!;
      for (let i = 0; i < b.length; i++) {
        let mixed = 0;
        for (let k = 0; k < models.length; k++) mixed = f(mixed + f(w[k]! * f(models[k]![i]! - b[i]!)));
        if (normalize) mixed = f(mixed / divisor);
        b[i] = b[i]! + f(mixed * lambda);
      }
      return b;
    };
  },
};

/** Every merge method, by its mergekit `merge_method` name. */
export const MERGE_METHODS: Readonly<Record<string, MergeMethod>> = {
  task_arithmetic: taskArithmetic,
};
