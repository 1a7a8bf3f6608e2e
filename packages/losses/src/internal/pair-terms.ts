/**
 * Spec §1 notation over the named inputs of one batch: lr(y) = logp(y) − ref(y),
 * h = lr(y_w) − lr(y_l), n clamped ≥ 1. Terms are built lazily, in the caller's tidy scope, so a
 * loss only touches the inputs it needs.
 */
import { DataError, tf, type Tensor1D } from '@prefstream/core';
import { PREFERENCE_INPUTS, type PreferenceInputName, type PreferenceInputs } from '../preference-inputs.js';

export type Side = 'chosen' | 'rejected';

export class PairTerms {
  constructor(
    /** Loss type, for error messages. */
    readonly lossType: string,
    private readonly inputs: PreferenceInputs,
    private readonly referenceFree: boolean,
  ) {}

  /** The input `name`, or an error naming the loss type and the input. @borrows the result. */
  input(name: PreferenceInputName): Tensor1D {
    const value = this.inputs[name];
    if (value === undefined) throw missingInput(this.lossType, name);
    return value;
  }

  has(name: PreferenceInputName): boolean {
    return this.inputs[name] !== undefined;
  }

  /** logp(y) of one side. @borrows. */
  logps(side: Side): Tensor1D {
    return this.input(side === 'chosen' ? 'chosenLogps' : 'rejectedLogps');
  }

  /** lr(y) = logp(y) − ref(y); ref = 0 when reference-free. @owns. */
  logRatio(side: Side): Tensor1D {
    const logps = this.logps(side);
    if (this.referenceFree) return tf.clone(logps);
    return tf.sub(logps, this.input(side === 'chosen' ? 'refChosenLogps' : 'refRejectedLogps'));
  }

  /** h = lr(y_w) − lr(y_l). @owns. */
  margin(): Tensor1D {
    return tf.sub(this.logRatio('chosen'), this.logRatio('rejected'));
  }

  /** lr(y)/n with n = completion tokens clamped ≥ 1 (TRL main's length normalization). @owns. */
  normalizedLogRatio(side: Side): Tensor1D {
    return tf.div(this.logRatio(side), this.length(side));
  }

  /** n = completion tokens, clamped ≥ 1 so empty completions never divide by zero. @owns. */
  length(side: Side): Tensor1D {
    return tf.maximum(this.input(side === 'chosen' ? 'chosenLength' : 'rejectedLength'), 1);
  }

  /** The soft label P(y_w ≻ y_l), or undefined for hard labels. @borrows. */
  preference(): Tensor1D | undefined {
    return this.inputs.preference;
  }
}

/** The error for a required input that is absent. */
export function missingInput(lossType: string, name: PreferenceInputName): DataError {
  return new DataError({
    file: `loss "${lossType}"`,
    field: name,
    message: `missing required input (${PREFERENCE_INPUTS[name]})`,
  });
}
