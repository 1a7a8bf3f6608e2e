/**
 * Which batch column feeds which loss input (DESIGN §3 names), and reading them with checks.
 * Inputs absent from this table come from the policy forward (log-probs) or the packing (lengths).
 */
import { COLUMNS, DataError, readFloat32, type Batch } from '@prefstream/core';
import type { PreferenceInputName } from '../preference-inputs.js';

export const COLUMN_INPUTS: Partial<Record<PreferenceInputName, string>> = {
  refChosenLogps: COLUMNS.refChosenLogps,
  refRejectedLogps: COLUMNS.refRejectedLogps,
  chosenReward: COLUMNS.chosenReward,
  rejectedReward: COLUMNS.rejectedReward,
  preference: COLUMNS.preference,
};

/** Columns read for `inputs`. */
export function columnsFor(inputs: readonly PreferenceInputName[]): string[] {
  return inputs.flatMap((name) => (COLUMN_INPUTS[name] ? [COLUMN_INPUTS[name]] : []));
}

/** The column-fed inputs as Float32Arrays; NaN/∞ (and labels outside [0, 1]) name the row and field. */
export function readColumnInputs(batch: Batch, inputs: readonly PreferenceInputName[], where: string): Partial<Record<PreferenceInputName, Float32Array>> {
  const out: Partial<Record<PreferenceInputName, Float32Array>> = {};
  for (const name of inputs) {
    const column = COLUMN_INPUTS[name];
    if (!column) continue;
    const values = readFloat32(batch, column, where);
    values.forEach((v, row) => {
      if (!Number.isFinite(v)) throw new DataError({ file: where, row, field: column, message: `value ${v} is not finite` });
      if (name === 'preference' && (v < 0 || v > 1)) throw new DataError({ file: where, row, field: column, message: `soft label ${v} is outside [0, 1]` });
    });
    out[name] = values;
  }
  return out;
}
