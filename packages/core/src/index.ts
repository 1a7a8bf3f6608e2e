export * from './backend/tf.js';
export * from './backend/init-backend.js';
export * from './backend/backend-name.js';
export * from './backend/load-backend.js';
export * from './kernels/register-wasm-kernels.js';
export * from './data.js';
export * from './http/post-with-retry.js';
