/**
 * The interfaces every consumer of a model codes against (losses, sampler, reward, eval,
 * trainer). `CausalLM` implements them; so does eval's tabular bandit policy, which is why the
 * whole machinery runs on bandits too.
 */
import type { Tensor1D, Tensor2D, Variable } from '@prefstream/core';

/**
 * Prompt + completion token sequences packed into one padded (B, T) batch.
 * Row b holds prompt_b followed by completion_b; padding is on `padSide`.
 */
export interface PackedBatch {
  /** (B·T) int32 token ids, row-major; padding positions hold `padTokenId`. */
  readonly inputIds: Int32Array;
  /** (B·T) 1 for real tokens (prompt or completion), 0 for padding. */
  readonly attentionMask: Int32Array;
  /** (B·T) 1 where the token belongs to the completion (the tokens whose log-prob is summed). */
  readonly completionMask: Int32Array;
  readonly batchSize: number;
  readonly seqLen: number;
  /** Completion tokens per row. */
  readonly completionLengths: Int32Array;
}

/** Log-probs of the completion tokens, as tensors (use inside `tf.tidy` / `tf.variableGrads`). */
export interface SequenceLogps {
  /** (B,) float32 Σ_t log π(y_t | x, y_<t) over completion tokens only. */
  readonly logps: Tensor1D;
  /** (B, T) float32 per-token log-probs at each position t (log p(token_t | tokens_<t)), 0 where not completion. */
  readonly tokenLogps: Tensor2D;
}

/** Anything that assigns log-probs to completions and has trainable weights. */
export interface LogProbModel {
  /** Tensors are created in the caller's tidy scope; differentiable w.r.t. `trainableVariables()`. */
  sequenceLogps(batch: PackedBatch): SequenceLogps;
  /** The weights an optimizer updates, by stable (Hugging Face) name. */
  trainableVariables(): ReadonlyMap<string, Variable>;
  /** Content hash of the weights (hex), for caches keyed by the model. */
  fingerprint(): Promise<string>;
}

/** Text ↔ token ids. */
export interface Tokenizer {
  encode(text: string, options?: { addSpecialTokens?: boolean }): number[];
  decode(ids: readonly number[], options?: { skipSpecialTokens?: boolean }): string;
  readonly eosTokenId: number | undefined;
  readonly padTokenId: number | undefined;
  readonly bosTokenId: number | undefined;
  readonly vocabSize: number;
  /** Renders chat messages with the model's template (tokenizer_config.json `chat_template`). */
  applyChatTemplate?(messages: readonly { role: string; content: string }[], options?: { addGenerationPrompt?: boolean }): string;
  /** Content hash of the vocabulary, merges, special tokens and template (hex). */
  fingerprint(): string;
}

export interface GenerateOptions {
  maxNewTokens: number;
  /** 0 = greedy. */
  temperature?: number;
  topK?: number;
  topP?: number;
  /** Samples per prompt. */
  n?: number;
  /** Stop at any of these token ids (defaults to the tokenizer's EOS). */
  eosTokenIds?: readonly number[];
  /** Stop when the decoded completion contains one of these; the stop string is cut off. */
  stop?: readonly string[];
  seed?: number;
}

export interface Generation {
  /** Index of the prompt in the request. */
  promptIndex: number;
  /** Index of this sample among the prompt's n. */
  sampleIndex: number;
  completionIds: number[];
  completion: string;
  /** Per-token log-probs under the sampling distribution (after temperature / top-k / top-p). */
  tokenLogps: number[];
  finishReason: 'eos' | 'stop' | 'length';
}

/** Anything that samples completions for token prompts. */
export interface TextGenerator {
  generate(prompts: readonly (readonly number[])[], options: GenerateOptions): Promise<Generation[]>;
}
