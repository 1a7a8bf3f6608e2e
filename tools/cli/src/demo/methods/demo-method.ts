/**
 * The method interface of `prefstream demo`: a method is a name, a description and a function
 * from the shared {@link DemoContext} to one training run (`runPipeline`'s config and hook
 * resources), started from the same SFT policy under the same {@link DemoBudget}. Adding a method
 * is a file in this folder and a line in `registry.ts`.
 */
import type { RunConfigInput } from '@prefstream/trainer';

/** A reward `(prompt, completion) → number`, usable as a `function` reward resource. */
export type DemoReward = (prompt: string, completion: string) => number;

/**
 * The compute budget every method gets: the same number of optimizer updates, each on the same
 * number of sequences in its loss (`sequencesPerUpdate` = 2 × pairs for pairwise losses, rows for
 * per-sequence losses). Sampling costs (candidates generated and scored per update) differ by
 * method and are reported, not equalized.
 */
export interface DemoBudget {
  /** Optimizer updates per method. */
  readonly updates: number;
  /** Sequences in each update's loss: 16 = 8 pairs or 16 rows. */
  readonly sequencesPerUpdate: number;
  /** Preference pairs per update (sequencesPerUpdate / 2). */
  readonly pairsPerUpdate: number;
  /** Prompts per update of on-policy pairwise methods: each yields sequencesPerUpdate / (2 · promptsPerUpdate) pairs. */
  readonly promptsPerUpdate: number;
  /** Candidates generated per prompt by methods that sample (SLiC: 8; RSO: 64 before rejection sampling; quick mode fewer). */
  readonly candidatesPerPrompt: number;
  /** Longest completion sampled, in tokens (the answer and EOS fit). */
  readonly maxNewTokens: number;
}

/** Everything the demo prepared before the methods run; the same object for every method. */
export interface DemoContext {
  /** The SFT policy every method starts from (Hugging Face directory with its tokenizer). */
  readonly sftDir: string;
  /** The Bradley–Terry reward model trained on the noisy preference pairs (step b). */
  readonly rewardModelDir: string;
  /** Data files (JSONL), all on training prompts only. */
  readonly files: {
    /** `prompt_id`, `prompt`, `chosen`, `rejected` (+ gold rewards): pairs of SFT samples labelled by the noisy gold judge. */
    readonly pairs: string;
    /** The same pairs plus `chosen_reward` / `rejected_reward` from the learned reward model. */
    readonly scoredPairs: string;
    /** `prompt_id`, `prompt`: training prompts for methods that sample their own candidates. */
    readonly prompts: string;
    /** `prompt`, `completion`, `condition`, `weight`: the mixed-quality SFT rows with their source labels. */
    readonly conditioned: string;
  };
  readonly budget: DemoBudget;
  /** Run seed shared by every method. */
  readonly seed: number;
  /** The one optimizer config every method trains with (no per-method tuning). */
  readonly optimizer: NonNullable<RunConfigInput['optimizer']>;
  /** Output directory of a method's run. */
  runDir(method: string): string;
  /** The gold reward (never shown to methods that learn from the learned reward). */
  readonly goldReward: DemoReward;
}

/** One method of the comparison. */
export interface DemoMethod {
  /** Registry key and `--methods` name, e.g. `dpo`. */
  readonly name: string;
  /** Table label, e.g. `DPO`. */
  readonly label: string;
  /** One line: what the method optimizes and from which signal (shown in the report). */
  readonly description: string;
  /** The training run from the SFT policy: a `runPipeline` config (model `{ dir: ctx.sftDir }`, output `ctx.runDir(name)`). */
  runConfig(ctx: DemoContext): RunConfigInput;
  /** Extra named resources for the run's stages (`hooks.resources`), e.g. a reward function. */
  resources?(ctx: DemoContext): Record<string, unknown>;
  /**
   * Async work before the run (e.g. training a judge, writing a data file the run config names).
   * What it resolves to joins the run's resources; a value with `dispose()` is disposed after the
   * run. Its time counts in the method's training time.
   */
  prepare?(ctx: DemoContext): Promise<Record<string, unknown>>;
  /** The prompt the trained policy answers at evaluation (C-RLFT: prefixed with the expert condition). Default: unchanged. */
  evalPrompt?(prompt: string): string;
}
