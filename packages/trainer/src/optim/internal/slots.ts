/**
 * Slot variables shared by the stateful transforms: one non-trainable `tf.Variable` per parameter,
 * keyed `<prefix>/<param name>` so checkpoints are stable across runs and processes.
 */
import { tf, type NamedTensorMap, type Tensor, type Variable } from '@prefstream/core';

/**
 * A zero-filled slot per parameter. `trainable = false` keeps the slots out of `tf.variableGrads`
 * when a loss differentiates "all trainable variables". @borrows `params`; @owns the variables.
 */
export function zeroSlots(prefix: string, params: NamedTensorMap): Map<string, Variable> {
  const slots = new Map<string, Variable>();
  for (const [name, param] of Object.entries(params)) {
    slots.set(slotName(prefix, name), tf.tidy(() => tf.variable(tf.zerosLike(param), false)));
  }
  return slots;
}

/** The stable name of the slot of `param` under `prefix` (`adam.m/<param>`). */
export function slotName(prefix: string, param: string): string {
  return `${prefix}/${param}`;
}

/** The slot of `param`, or an error naming the transform and the missing name. */
export function slotOf(slots: ReadonlyMap<string, Variable>, prefix: string, param: string, transform: string): Variable {
  const slot = slots.get(slotName(prefix, param));
  if (!slot) throw new Error(`${transform}: no state for parameter "${param}" (was init called with the same parameters?)`);
  return slot;
}

/** The gradient of `name`, or an error naming the transform. */
export function gradOf(grads: NamedTensorMap, name: string, transform: string): Tensor {
  const grad = grads[name];
  if (!grad) throw new Error(`${transform}: no gradient for parameter "${name}"`);
  return grad;
}
