/**
 * Deterministic random weights for `CausalLM.random`: each tensor draws from its own stream
 * `rng.split(name)`, so a weight's values depend only on the seed and its name.
 */
import { Rng } from '@prefstream/core';
import type { WeightSpec } from '../architectures/architecture.js';
import { elementCount } from '../safetensors/dtype.js';

/** @returns values in the model's layout (a transposed weight's init is symmetric, so no copy). */
export function initWeight(spec: WeightSpec, rng: Rng): Float32Array {
  const n = elementCount(spec.hfShape);
  const out = new Float32Array(n);
  if (spec.init === 'ones') return out.fill(1);
  if (spec.init === 'zeros') return out;
  const std = spec.init.normal;
  const r = rng.split(spec.name);
  for (let i = 0; i < n; i++) out[i] = r.normal() * std;
  return out;
}
