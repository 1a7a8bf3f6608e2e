/**
 * The generative pairwise judge of the demo's `pairwise-ppo` method, trained when it is first
 * asked (the method interface builds run configs synchronously, so the judge's own training run
 * starts from inside the PPO run's first scoring call) and loaded per call, so no weights are held
 * between calls: every tensor is freed before `preferFirst` resolves.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PairwiseJudge, type PairwiseItem, type PairwisePreferenceModel } from '@prefstream/reward';
import { runPipeline, type RunConfigInput } from '@prefstream/trainer';

/**
 * @example
 * const judge = new JudgeOnDemand({ pipeline: { name: 'pairwise-rm', … }, model: { dir: sft }, data: { path: pairs }, output: 'runs/judge' });
 * const [p] = await judge.preferFirst([{ prompt: '12+34=', first: '46', second: '45' }]);
 */
export class JudgeOnDemand implements PairwisePreferenceModel {
  private trained: Promise<string> | undefined;

  /** @param config the `pairwise-rm` run that trains the judge (its `final/` is reused when present). */
  constructor(private readonly config: RunConfigInput) {}

  /** The judge's directory, training it on the first call. */
  judgeDir(): Promise<string> {
    this.trained ??= this.train();
    return this.trained;
  }

  async preferFirst(items: readonly PairwiseItem[], signal?: AbortSignal): Promise<Float64Array> {
    const judge = await PairwiseJudge.load(await this.judgeDir());
    try {
      return await judge.preferFirst(items, signal);
    } finally {
      judge.dispose();
    }
  }

  private async train(): Promise<string> {
    const final = path.join(this.config.output, 'final');
    if (existsSync(path.join(final, 'pairwise_judge.json'))) return final;
    const result = await runPipeline(this.config, {}, 'demo pairwise judge');
    if (!result.finalDir) throw new Error('demo pairwise judge: the run stopped before writing final/');
    return result.finalDir;
  }
}
