/** Row-major transpose of a 2-D float32 matrix, used to convert nn.Linear [out, in] ↔ [in, out]. */
export function transpose2d(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = values[base + c]!;
  }
  return out;
}

/** The model-side shape of a weight: the file shape, reversed when the model holds the transpose. */
export function internalShape(hfShape: readonly number[], transposed: boolean): number[] {
  return transposed ? [...hfShape].reverse() : [...hfShape];
}
