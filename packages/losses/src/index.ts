export * from './preference-inputs.js';
export * from './preference-loss-options.js';
export * from './loss-definition.js';
export * from './loss-registry.js';
export * from './preference-loss.js';
export * from './read-metrics.js';
export * from './bradley-terry-loss.js';
export * from './weighted-nll.js';
