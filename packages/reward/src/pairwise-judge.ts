/**
 * A generative pairwise judge (spec §7; Pairwise-RL's generative reward model, arXiv 2504.04950):
 * a causal LM that owns its tokenizer and its judge template, so a trained directory loads as a
 * ready {@link PairwisePreferenceModel} with no flags. On disk: the LM's Hugging Face files, its
 * tokenizer, and `pairwise_judge.json` with `{ template, verdicts }`.
 *
 * It is also a `LogProbModel` (the LM's log-probs and weights), which is how the trainer's
 * `pairwise-rm` pipeline fits it: NLL of the verdict token after the filled template.
 */
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { DataError, type Tensor2D, type Tensor3D, type Variable } from '@prefstream/core';
import { CausalLM, isSaveableTokenizer, loadTokenizer, saveTokenizer, type LogProbModel, type PackedBatch, type SequenceLogps, type Tokenizer } from '@prefstream/model';
import { LanguageModelJudgeOptions, PairwiseLanguageModel, renderPairwiseTemplate } from './pairwise-language-model.js';
import type { PairwiseItem, PairwisePreferenceModel } from './pairwise-preference-model.js';

/** The judge's own file next to the weights. */
export const PAIRWISE_JUDGE_FILE = 'pairwise_judge.json';

const JudgeFile = z.strictObject({ template: LanguageModelJudgeOptions.shape.template, verdicts: LanguageModelJudgeOptions.shape.verdicts });

/**
 * @owns its LM (`dispose()` frees it); @borrows nothing else.
 * @example
 * const judge = await PairwiseJudge.load('runs/judge/final');
 * const [p] = await judge.preferFirst([{ prompt: '12+7=', first: '19', second: '18' }]);
 */
export class PairwiseJudge implements PairwisePreferenceModel, LogProbModel {
  private readonly reader: PairwiseLanguageModel;
  /** Token ids of the two verdicts (A, B). */
  readonly verdictIds: readonly [number, number];

  private constructor(
    /** The judge LM. @owns */
    readonly lm: CausalLM,
    readonly tokenizer: Tokenizer,
    readonly options: LanguageModelJudgeOptions,
  ) {
    this.reader = new PairwiseLanguageModel(lm, tokenizer, options, 'PairwiseJudge');
    const ids = options.verdicts.map((v) => tokenizer.encode(v, { addSpecialTokens: false })[0]!);
    this.verdictIds = [ids[0]!, ids[1]!];
  }

  /**
   * Wraps `lm` (taking ownership). Throws a ConfigError when a verdict is not exactly one token.
   * @example PairwiseJudge.fromLanguageModel(lm, new CharTokenizer('0123456789+=AB|'), LanguageModelJudgeOptions.parse({ template: '{prompt}|{a}|{b}|', verdicts: ['A', 'B'] }))
   */
  static fromLanguageModel(lm: CausalLM, tokenizer: Tokenizer, options: LanguageModelJudgeOptions): PairwiseJudge {
    lm.tokenizer = tokenizer;
    return new PairwiseJudge(lm, tokenizer, options);
  }

  /**
   * Loads a directory written by {@link save}: weights, tokenizer and `pairwise_judge.json`.
   * @param options.batchSize comparisons per forward pass (default 8).
   * @throws DataError naming the file when `pairwise_judge.json` is missing or invalid.
   */
  static async load(dir: string, options: { batchSize?: number; tokenizer?: Tokenizer } = {}): Promise<PairwiseJudge> {
    const file = path.join(dir, PAIRWISE_JUDGE_FILE);
    if (!existsSync(file)) throw new DataError({ file, message: 'no judge template here: not a directory saved by PairwiseJudge (train one with the pairwise-rm pipeline)' });
    let parsed: z.output<typeof JudgeFile>;
    try {
      parsed = JudgeFile.parse(JSON.parse(await readFile(file, 'utf8')));
    } catch (cause) {
      throw new DataError({ file, message: `invalid judge file: ${cause instanceof Error ? cause.message : String(cause)}`, cause });
    }
    const tokenizer = options.tokenizer ?? (await loadTokenizer(dir));
    const lm = await CausalLM.load(dir, { tokenizer });
    try {
      return new PairwiseJudge(lm, tokenizer, LanguageModelJudgeOptions.parse({ ...parsed, batchSize: options.batchSize ?? 8 }));
    } catch (error) {
      lm.dispose();
      throw error;
    }
  }

  /** Writes the LM, its tokenizer (when it can be saved) and `pairwise_judge.json`. */
  async save(dir: string): Promise<void> {
    await this.lm.save(dir);
    if (isSaveableTokenizer(this.tokenizer)) await saveTokenizer(this.tokenizer, dir);
    const file = path.join(dir, PAIRWISE_JUDGE_FILE);
    const tmp = `${file}.tmp-${process.pid}`;
    await writeFile(tmp, JSON.stringify({ template: this.options.template, verdicts: this.options.verdicts }, null, 2) + '\n');
    await rename(tmp, file);
  }

  /** The filled template for one comparison (what the LM reads before its verdict). */
  render(item: PairwiseItem): string {
    return renderPairwiseTemplate(this.options.template, item);
  }

  /** P(first ≻ second) per item, from the two verdict tokens' logits. */
  preferFirst(items: readonly PairwiseItem[], signal?: AbortSignal): Promise<Float64Array> {
    return this.reader.preferFirst(items, signal);
  }

  /** The LM's next-token logits. @returns (B, T, V) in the caller's scope. */
  forward(ids: Tensor2D, mask?: Tensor2D): Tensor3D {
    return this.lm.forward(ids, mask);
  }

  /** The LM's completion log-probs (the verdict token's, in training). @borrows batch */
  sequenceLogps(batch: PackedBatch): SequenceLogps {
    return this.lm.sequenceLogps(batch);
  }

  /** The LM's weights by HF name. */
  trainableVariables(): ReadonlyMap<string, Variable> {
    return this.lm.trainableVariables();
  }

  fingerprint(): Promise<string> {
    return this.lm.fingerprint();
  }

  /** Frees the LM. */
  dispose(): void {
    this.lm.dispose();
  }
}
