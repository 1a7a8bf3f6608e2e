/**
 * Test helpers: named (B,) input tensors from plain numbers, and a leak check.
 */
import { tf, type Tensor1D } from '@prefstream/core';
import { expect } from 'vitest';
import type { PreferenceInputName, PreferenceInputs } from '../preference-inputs.js';

/** Plain per-example values of named inputs. */
export type InputValues = Partial<Record<PreferenceInputName, number[]>>;

/** (B,) tensors for every named input. @owns the result (the caller's tidy scope). */
export function toInputs(values: InputValues): PreferenceInputs {
  const out: PreferenceInputs = {};
  for (const [name, v] of Object.entries(values)) out[name as PreferenceInputName] = tf.tensor1d(v!, 'float32') as Tensor1D;
  return out;
}

/** Runs `body` and asserts that it left no tensor behind. */
export async function expectNoLeak(body: () => unknown | Promise<unknown>): Promise<void> {
  const before = tf.memory().numTensors;
  await body();
  expect(tf.memory().numTensors).toBe(before);
}

/** |actual − expected| ≤ rel·|expected| (or ≤ rel when expected is 0). */
export function expectClose(actual: number, expected: number, rel = 1e-6): void {
  const tol = rel * Math.max(Math.abs(expected), 1e-12 + (expected === 0 ? 1 : 0));
  expect(Math.abs(actual - expected), `actual ${actual}, expected ${expected}`).toBeLessThanOrEqual(tol);
}
