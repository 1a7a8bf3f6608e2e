/**
 * Named optimizers as compositions of transforms (optax `alias.py`), and the registry from a
 * config's `name` to its composition. Each begins with `clipByGlobalNorm(maxGradNorm)` when
 * clipping is on, and ends with `scaleByLearningRate(schedule)`.
 */
import { addDecayedWeights } from './add-decayed-weights.js';
import { chain } from './chain.js';
import { clipByGlobalNorm } from './clip-by-global-norm.js';
import type { GradientTransform } from './gradient-transform.js';
import type { z } from 'zod';
import { OptimizerConfig, type AdamConfig, type AdamWConfig, type OptimizerConfigInput, type OptimizerName, type RmspropConfig, type SgdConfig } from './optimizer-config.js';
import { scaleByAdam } from './scale-by-adam.js';
import { scaleByLearningRate } from './scale-by-learning-rate.js';
import { scaleByRms } from './scale-by-rms.js';
import { makeSchedule } from './schedules.js';
import { trace } from './trace.js';

type Of<N extends OptimizerName> = Extract<OptimizerConfig, { name: N }>;

/** clip? → ...middle → scale by −lr. */
function compose(config: OptimizerConfig, ...middle: GradientTransform[]): GradientTransform {
  const clip = config.maxGradNorm === null ? [] : [clipByGlobalNorm(config.maxGradNorm)];
  return chain(...clip, ...middle, scaleByLearningRate(makeSchedule(config.schedule, config.learningRate)));
}

/** Registry: optimizer name → composition. Adding one is a schema, a line here and a README row. */
export const OPTIMIZERS: { readonly [N in OptimizerName]: (config: Of<N>) => GradientTransform } = {
  // Adam (Kingma & Ba 2015): p ← p − lr·m̂/(√v̂+ε)
  adam: (c) => compose(c, scaleByAdam(c)),
  // AdamW (Loshchilov & Hutter 2019), as torch.optim.AdamW: p ← p − lr·(m̂/(√v̂+ε) + λ·p)
  adamw: (c) => {
    const exclude = c.weightDecayExclude.map((pattern) => new RegExp(pattern));
    const mask = exclude.length ? (name: string) => !exclude.some((re) => re.test(name)) : undefined;
    return compose(c, scaleByAdam(c), addDecayedWeights(c.weightDecay, mask));
  },
  // torch.optim.SGD (dampening 0): b ← μ·b + g; p ← p − lr·b
  sgd: (c) => (c.momentum > 0 ? compose(c, trace({ decay: c.momentum, nesterov: c.nesterov })) : compose(c)),
  // torch.optim.RMSprop (the DPO paper's optimizer): v ← α·v + (1−α)·g²; p ← p − lr·g/(√v+ε)
  rmsprop: (c) => compose(c, scaleByRms({ decay: c.decay, eps: c.eps })),
};

/**
 * The gradient transform of a named optimizer config (parsed here, so plain objects work).
 * @example const tx = optimizerTransform({ name: 'adamw', learningRate: 1e-3, weightDecay: 0.1 });
 */
export function optimizerTransform(config: OptimizerConfigInput): GradientTransform {
  const parsed = OptimizerConfig.parse(config);
  const factory = OPTIMIZERS[parsed.name] as (c: OptimizerConfig) => GradientTransform;
  return factory(parsed);
}

type Options<S extends z.ZodType> = Omit<z.input<S>, 'name'>;

/** Adam with the defaults of {@link AdamConfig}. @example adam({ learningRate: 1e-3 }) */
export const adam = (options: Options<typeof AdamConfig> = {}) => optimizerTransform({ ...options, name: 'adam' });
/** AdamW (decoupled decay, as torch.optim.AdamW). @example adamw({ learningRate: 1e-3, weightDecay: 0.1 }) */
export const adamw = (options: Options<typeof AdamWConfig> = {}) => optimizerTransform({ ...options, name: 'adamw' });
/** SGD, optionally with (Nesterov) momentum. @example sgd({ learningRate: 0.1, momentum: 0.9 }) */
export const sgd = (options: Options<typeof SgdConfig> = {}) => optimizerTransform({ ...options, name: 'sgd' });
/** RMSprop, the DPO paper's optimizer. @example rmsprop({ learningRate: 1e-6 }) */
export const rmsprop = (options: Options<typeof RmspropConfig> = {}) => optimizerTransform({ ...options, name: 'rmsprop' });
