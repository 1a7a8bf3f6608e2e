export * from './backend/tf.js';
export * from './backend/init-backend.js';
export * from './errors/stage-error.js';
export * from './errors/config-error.js';
export * from './errors/data-error.js';
export * from './rng/rng.js';
export * from './schema/columns.js';
export * from './stage/stage.js';
