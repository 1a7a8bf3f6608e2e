/**
 * Runs a planned combination into an output directory, atomically: weight files, then the
 * reference's config / tokenizer / chat-template files, then a provenance manifest.
 */
import { copyFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { MergeOutputOptions, MergeSummary } from '../merge-summary.js';
import { withAtomicOutputDir } from './atomic-output-dir.js';
import type { TensorPlan } from './plan-tensors.js';
import { recipeProducer, type TensorRecipe } from './tensor-recipe.js';
import { writeStreamedCheckpoint } from './write-streamed-checkpoint.js';

/** Files that travel with the weights (transformers `save_pretrained` + tokenizer + chat template). */
export const COMPANION_FILES = [
  'config.json',
  'generation_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'added_tokens.json',
  'vocab.json',
  'merges.txt',
  'tokenizer.model',
  'prefstream_tokenizer.json',
  'chat_template.jinja',
  'chat_template.json',
] as const;

/** transformers' default `max_shard_size` ("5GB"). */
export const DEFAULT_MAX_SHARD_BYTES = 5_000_000_000;

export interface WriteCombinationArgs {
  readonly out: string;
  readonly plan: TensorPlan;
  /** Directory whose companion files are copied (the target / base model). */
  readonly companionsFrom: string;
  /** Copy only these companion files (default: all of COMPANION_FILES present). */
  readonly companions?: readonly string[];
  /** File name and content of the provenance manifest. */
  readonly manifest: { readonly file: string; readonly content: Record<string, unknown> };
  /** Rewrites config.json before it is written (e.g. `torch_dtype` after a dtype change). */
  readonly editConfig?: (config: Record<string, unknown>) => Record<string, unknown>;
  readonly config: Readonly<Record<string, unknown>>;
}

export async function writeCombination(args: WriteCombinationArgs, options: MergeOutputOptions = {}): Promise<MergeSummary> {
  const { plan } = args;
  const recipes = new Map<string, TensorRecipe>(plan.outputs.map((t) => [t.name, t.recipe]));
  const produce = recipeProducer(recipes);
  let index = 0;
  return withAtomicOutputDir(args.out, async (tmp) => {
    const { files, bytes } = await writeStreamedCheckpoint(
      tmp,
      plan.outputs,
      async (t, write) => {
        await produce(t, write);
        options.onTensor?.(t.name, index++, plan.outputs.length);
      },
      { maxShardBytes: options.maxShardBytes ?? DEFAULT_MAX_SHARD_BYTES },
    );
    for (const f of args.companions ?? COMPANION_FILES) {
      const from = path.join(args.companionsFrom, f);
      if (f === 'config.json' && args.editConfig) await writeFile(path.join(tmp, f), JSON.stringify(args.editConfig({ ...args.config }), null, 2) + '\n');
      else if (existsSync(from)) await copyFile(from, path.join(tmp, f));
    }
    const summary: MergeSummary = {
      outDir: path.resolve(args.out),
      tensorsWritten: plan.outputs.length,
      computed: plan.computed,
      skippedByMask: plan.skippedByMask,
      nonFloat: plan.copiedNonFloat + plan.omittedNonFloat,
      bytesWritten: bytes,
      files,
      tied: Object.fromEntries(plan.tied),
    };
    const { outDir: _outDir, ...recorded } = summary;
    await writeFile(path.join(tmp, args.manifest.file), JSON.stringify({ ...args.manifest.content, result: recorded, created_at: new Date().toISOString() }, null, 2) + '\n');
    return summary;
  });
}
