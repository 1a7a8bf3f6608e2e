/**
 * Optimizer state as named tensors, for checkpoints (written as `optimizer.safetensors`). Names are
 * stable: the slots' own names (`adam.m/<param>`, `adam.v/<param>`, `rms.v/<param>`,
 * `trace/<param>`) plus `step`, so a state saved by one process restores in another.
 */
import { tf, type NamedTensorMap } from '@prefstream/core';
import { stateSlots } from './gradient-transform.js';
import type { Optimizer } from './optimizer.js';

/** Name of the int32 scalar holding the count of applied updates. */
export const STEP_TENSOR = 'step';

/**
 * A copy of the optimizer's state. @owns the returned tensors (the caller disposes them, e.g. after
 * writing them); the optimizer keeps its own.
 *
 * @example const tensors = optimizerState(opt); try { await write(tensors) } finally { tf.dispose(tensors) }
 */
export function optimizerState(optimizer: Optimizer): NamedTensorMap {
  const out: NamedTensorMap = {};
  for (const [name, variable] of stateSlots(optimizer.state)) out[name] = tf.clone(variable);
  out[STEP_TENSOR] = tf.scalar(optimizer.step, 'int32');
  return out;
}

/**
 * Loads a state saved by {@link optimizerState} into `optimizer` (same config, same variables).
 * Every slot must be present with the same shape and no unknown names, or nothing is changed and the
 * error lists what differs. @borrows `tensors`.
 */
export function restoreOptimizerState(optimizer: Optimizer, tensors: NamedTensorMap): void {
  const slots = stateSlots(optimizer.state);
  const problems: string[] = [];
  for (const [name, variable] of slots) {
    const t = tensors[name];
    if (!t) problems.push(`missing "${name}"`);
    else if (!tf.util.arraysEqual(t.shape, variable.shape)) problems.push(`"${name}" has shape [${t.shape}], expected [${variable.shape}]`);
  }
  for (const name of Object.keys(tensors)) {
    if (name !== STEP_TENSOR && !slots.has(name)) problems.push(`unknown "${name}"`);
  }
  const step = tensors[STEP_TENSOR];
  if (!step) problems.push(`missing "${STEP_TENSOR}"`);
  else if (step.size !== 1) problems.push(`"${STEP_TENSOR}" must be a scalar, got shape [${step.shape}]`);
  const stepValue = step && step.size === 1 ? step.dataSync()[0]! : NaN;
  if (step && step.size === 1 && !(Number.isInteger(stepValue) && stepValue >= 0)) problems.push(`"${STEP_TENSOR}" is ${stepValue}, not a count`);
  if (problems.length) {
    throw new Error(`restoreOptimizerState (${optimizer.config.name}): state does not match the optimizer: ${problems.slice(0, 8).join('; ')}${problems.length > 8 ? `; … ${problems.length - 8} more` : ''}`);
  }
  tf.tidy(() => {
    for (const [name, variable] of slots) variable.assign(tensors[name]!.toFloat());
  });
  optimizer.step = stepValue;
}
