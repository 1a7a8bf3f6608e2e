/**
 * `@prefstream/core/data`: the data path without TensorFlow.js. Reading, batching, checking and
 * writing datasets, the stream adapter, pipelines, errors and RNG — everything of the package
 * index except the backend and kernels. Importing the index loads tfjs (≈85 MB of RSS before any
 * data moves); a process that only streams data imports this entry instead. The index re-exports
 * all of this too, so both entries hand out the same functions and classes.
 *
 * @example
 * import { readDataset, fromSource } from '@prefstream/core/data';
 * const source = fromSource(readDataset('pairs.parquet', { batchRows: 4096 }), { maxInFlight: 2 });
 */
export * from './errors/stage-error.js';
export * from './errors/config-error.js';
export * from './errors/data-error.js';
export * from './rng/rng.js';
export * from './schema/columns.js';
export * from './stage/stage.js';
export * from './batch/columns.js';
export * from './batch/vectors.js';
export * from './batch/utf8.js';
export * from './schema/row-schemas.js';
export * from './schema/arrow-schema.js';
export * from './schema/validate-batch.js';
export * from './pipeline/stage-registry.js';
export * from './pipeline/define-pipeline.js';
export * from './pipeline/check-column-flow.js';
export * from './pipeline/build-pipeline.js';
export * from './sources/source-options.js';
export * from './sources/batch-position.js';
export * from './sources/read-jsonl.js';
export * from './sources/read-parquet.js';
export * from './sources/read-arrow-ipc.js';
export * from './sources/from-rows.js';
export * from './sources/read-dataset.js';
export * from './sinks/write-jsonl.js';
export * from './sinks/write-parquet.js';
export * from './sinks/write-arrow-ipc.js';
export * from './sinks/write-dataset.js';
export * from './stream/from-source.js';
