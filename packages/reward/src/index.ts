export * from './reward-kind.js';
export * from './reward-registry.js';
export * from './score-with-reward.js';
export * from './kinds/function-reward.js';
