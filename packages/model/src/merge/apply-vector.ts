/**
 * Adds a task / reasoning vector to a model: θ_new = θ_target + α·(m ⊙ v) (Reasoning Vectors,
 * arXiv 2509.01363, Eq. 2; α = −1 subtracts the vector, the paper's ablation). m is per tensor:
 * 1 when the tensor's name passes the include / exclude filters, else 0 (copied unchanged).
 */
import path from 'node:path';
import { DataError } from '@prefstream/core';
import type { SafetensorsDtype } from '../safetensors/dtype.js';
import { readJsonFile } from '../tokenizer/read-json-file.js';
import { VECTOR_MANIFEST_FILE } from './extract-vector.js';
import { assertSameModel } from './internal/model-identity.js';
import { closeOperands, inputRecord, openOperands } from './internal/operands.js';
import { planTensors } from './internal/plan-tensors.js';
import { writeCombination } from './internal/write-combination.js';
import type { MergeOutputOptions, MergeSummary } from './merge-summary.js';

/** Inputs, output and parameters of `applyVector`. */
export interface ApplyVectorOptions extends MergeOutputOptions {
  /** θ_target: the model that receives the vector (its config, tokenizer and chat template are copied). */
  readonly target: string;
  /** A directory written by `extractVector` (or any checkpoint of deltas with a config.json). */
  readonly vector: string;
  readonly out: string;
  /** α, default 1. */
  readonly alpha?: number;
  /** Only tensors whose name matches (RegExp `test`, i.e. anywhere in the name) take the vector. */
  readonly include?: RegExp;
  /** Tensors whose name matches are copied unchanged (applied after `include`). */
  readonly exclude?: RegExp;
  /** Output dtype of changed tensors (default: the target's, tensor by tensor). */
  readonly dtype?: SafetensorsDtype;
}

/** The tokenizer the vector was made with, from its manifest (null when unknown). */
async function vectorTokenizer(dir: string): Promise<string | null> {
  const manifest = await readJsonFile(path.join(dir, VECTOR_MANIFEST_FILE), { optional: true });
  const sha = (manifest?.tuned as { tokenizer_sha256?: unknown } | undefined)?.tokenizer_sha256;
  return typeof sha === 'string' ? sha : null;
}

/**
 * Writes θ_target + α·(m ⊙ v) into `out`, tensor by tensor, in float32, stored in the target's dtype.
 * A tied head/embedding pair is one parameter: changed once, masked by the embedding's name.
 * @throws DataError for different architectures, tokenizers, shapes, missing tensors; nothing is written then.
 * @example
 * // Transfer GRPO's reasoning gains onto another SFT model of the same family, attention only:
 * await applyVector({ target: 'runs/sft-b', vector: 'vectors/reasoning', out: 'runs/sft-b+v', include: /attn/ });
 */
export async function applyVector(options: ApplyVectorOptions): Promise<MergeSummary> {
  const alpha = options.alpha ?? 1;
  if (!Number.isFinite(alpha)) throw new RangeError(`applyVector: alpha must be a finite number, got ${alpha}`);
  const [target, vector] = await openOperands([options.target, options.vector]);
  try {
    assertSameModel(target!.identity, vector!.identity);
    const fromVector = await vectorTokenizer(options.vector);
    const ours = target!.identity.tokenizerSha256;
    if (fromVector !== null && ours !== null && fromVector !== ours) {
      throw new DataError({ file: options.target, message: `different tokenizer vocabulary than the model ${VECTOR_MANIFEST_FILE} says the vector was extracted from` });
    }
    // Without the g / y flags `test` keeps no state between tensor names.
    const include = options.include && new RegExp(options.include.source, options.include.flags.replace(/[gy]/g, ''));
    const exclude = options.exclude && new RegExp(options.exclude.source, options.exclude.flags.replace(/[gy]/g, ''));
    const plan = planTensors({
      reference: target!,
      operands: [target!, vector!],
      // θ + α·v with float32 rounding of each operation, as torch computes it.
      combine: ([t, v]) => {
        for (let i = 0; i < t!.length; i++) t![i] = t![i]! + Math.fround(alpha * v![i]!);
        return t!;
      },
      include: (name) => (!include || include.test(name)) && !(exclude && exclude.test(name)),
      ...(options.dtype ? { dtype: options.dtype } : {}),
      nonFloat: 'copy',
    });
    return await writeCombination(
      {
        out: options.out,
        plan,
        companionsFrom: options.target,
        config: target!.identity.config,
        manifest: {
          file: 'merge_manifest.json',
          content: {
            kind: 'apply_vector',
            formula: 'target + alpha * (mask * vector)',
            reference: 'Reasoning Vectors, arXiv 2509.01363',
            alpha,
            include: include?.source ?? null,
            exclude: exclude?.source ?? null,
            target: inputRecord(target!),
            vector: inputRecord(vector!),
          },
        },
      },
      options,
    );
  } finally {
    await closeOperands([target!, vector!]);
  }
}
