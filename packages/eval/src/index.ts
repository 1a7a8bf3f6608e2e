export * from './bandit/distributions.js';
export * from './bandit/bandit-oracle.js';
export * from './bandit/method-optima.js';
export * from './bandit/ipo-optimum.js';
export * from './bandit/preference-labels.js';
export * from './stats/wilson-interval.js';
