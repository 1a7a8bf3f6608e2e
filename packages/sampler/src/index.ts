export * from './rejection-sample-indices.js';
export * from './rejection-sample.js';
export * from './best-of-n-indices.js';
export * from './best-of-n.js';
