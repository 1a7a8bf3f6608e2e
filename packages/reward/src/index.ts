export * from './reward-kind.js';
export * from './reward-registry.js';
export * from './score-with-reward.js';
export * from './kinds/function-reward.js';
export * from './kinds/pairwise-reward.js';
export * from './pairwise-preference.js';
export * from './pairwise-preference-model.js';
export * from './pairwise-language-model.js';
