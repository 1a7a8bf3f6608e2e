/**
 * A reasoning vector (Reasoning Vectors, arXiv 2509.01363, §3): v = θ_tuned − θ_base, the weights
 * an RL stage (GRPO) added on top of its SFT starting point, stored as a safetensors checkpoint
 * directory that `applyVector` adds to another model of the same family.
 */
import { assertSameModel } from './internal/model-identity.js';
import { closeOperands, inputRecord, openOperands } from './internal/operands.js';
import { planTensors } from './internal/plan-tensors.js';
import { writeCombination } from './internal/write-combination.js';
import type { SafetensorsDtype } from '../safetensors/dtype.js';
import type { MergeOutputOptions, MergeSummary } from './merge-summary.js';

/** The manifest a vector directory carries (besides config.json of the tuned model). */
export const VECTOR_MANIFEST_FILE = 'vector_manifest.json';

/** Inputs, output and storage dtype of `extractVector`. */
export interface ExtractVectorOptions extends MergeOutputOptions {
  /** θ_base: the starting point (e.g. the SFT checkpoint). */
  readonly base: string;
  /** θ_tuned: the same model after training (e.g. GRPO). */
  readonly tuned: string;
  /** New directory for v; must not exist. */
  readonly out: string;
  /** Storage dtype of v (default: the tuned checkpoint's dtype, tensor by tensor). */
  readonly dtype?: SafetensorsDtype;
}

/**
 * Writes v = θ_tuned − θ_base, tensor by tensor (float32 arithmetic, one chunk per input in memory).
 * Integer / boolean buffers are left out of the vector. The directory holds the vector's weights,
 * the tuned model's config.json and `vector_manifest.json` (inputs' paths, header / config /
 * tokenizer sha256, dtypes, date).
 * @throws DataError for different architectures, tokenizers, shapes or tensor sets; nothing is written then.
 * @example
 * const s = await extractVector({ base: 'runs/sft', tuned: 'runs/grpo', out: 'vectors/reasoning' });
 * console.log(s.tensorsWritten, s.bytesWritten);
 */
export async function extractVector(options: ExtractVectorOptions): Promise<MergeSummary> {
  const [tuned, base] = await openOperands([options.tuned, options.base]);
  try {
    assertSameModel(tuned!.identity, base!.identity);
    const plan = planTensors({
      reference: tuned!,
      operands: [tuned!, base!],
      // v = θ_tuned − θ_base, rounded to float32 as torch would compute it.
      combine: ([t, b]) => {
        for (let i = 0; i < t!.length; i++) t![i] = t![i]! - b![i]!;
        return t!;
      },
      ...(options.dtype ? { dtype: options.dtype } : {}),
      nonFloat: 'omit',
    });
    return await writeCombination(
      {
        out: options.out,
        plan,
        companionsFrom: options.tuned,
        companions: ['config.json'],
        config: tuned!.identity.config,
        manifest: {
          file: VECTOR_MANIFEST_FILE,
          content: { kind: 'task_vector', formula: 'v = tuned - base', reference: 'Reasoning Vectors, arXiv 2509.01363', base: inputRecord(base!), tuned: inputRecord(tuned!), dtype: options.dtype ?? 'as tuned' },
        },
      },
      options,
    );
  } finally {
    await closeOperands([tuned!, base!]);
  }
}
