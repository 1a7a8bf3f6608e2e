/**
 * The `workers` engine: a pool of `node:worker_threads`, each loading the checkpoint directory
 * itself (`CausalLM.load(dir)` + `loadTokenizer(dir)` from `@prefstream/model`), so generation
 * runs on several cores while the main thread keeps the stream moving (DESIGN §6).
 */
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { BACKEND_NAMES } from '@prefstream/core';
import { defineEngine } from './candidate-engine.js';
import { WorkerPool } from '../internal/worker-pool.js';
import { internalModuleUrl } from '../internal/spawn-worker.js';
import { toCandidates } from '../internal/to-candidates.js';

/** Options of the `workers` engine. */
export const WorkersEngineOptions = z.strictObject({
  kind: z.literal('workers'),
  /** Hugging Face checkpoint directory (config.json, model.safetensors, tokenizer.json). */
  checkpoint: z.string().min(1),
  /** Threads, each with a full copy of the weights: memory grows linearly, so 2 is a safe start. */
  workers: z.number().int().positive().default(2),
  /** Prompts waiting for a free thread (bounded; the stage never submits more than workers + queueSize). */
  queueSize: z.number().int().nonnegative().default(4),
  /** Module URL or absolute path exporting `loadGenerator(dir, options)`; defaults to the checkpoint loader. */
  loader: z.string().min(1).optional(),
  /** Tensor backend each thread tries first (wasm runs one thread per worker). */
  backend: z.enum(BACKEND_NAMES).optional(),
});

/** Engine `workers`. @example `{ engine: { kind: 'workers', checkpoint: 'runs/sft', workers: 2 } }` */
export const workersEngine = defineEngine({
  kind: 'workers',
  options: WorkersEngineOptions,
  producesIds: () => true,
  create(options, ctx) {
    const loader = options.loader === undefined ? internalModuleUrl('checkpoint-loader') : isAbsolute(options.loader) ? pathToFileURL(options.loader).href : options.loader;
    const pool = new WorkerPool({
      size: options.workers,
      queueSize: options.queueSize,
      init: { checkpoint: options.checkpoint, loader, backend: options.backend },
      onReady: (thread, backend) => ctx.log.info(`generateCandidates: worker ${thread} loaded ${options.checkpoint}${backend ? ` on backend ${backend}` : ''}`),
    });
    return {
      concurrency: options.workers + options.queueSize,
      async generate(request, params, seed, signal) {
        let generations;
        try {
          generations = await pool.submit(
            {
              promptId: request.promptId,
              prompt: request.prompt,
              promptIds: request.promptIds ? Array.from(request.promptIds) : undefined,
              options: {
                maxNewTokens: params.maxNewTokens,
                temperature: params.temperature,
                topK: params.topK,
                topP: params.topP,
                n: params.n,
                ...(params.stop.length > 0 ? { stop: [...params.stop] } : {}),
                seed,
              },
            },
            signal,
          );
        } catch (error) {
          throw new Error(`prompt "${request.promptId}": ${error instanceof Error ? error.message : String(error)}`, { cause: error });
        }
        return toCandidates(generations, params.n, request.promptId);
      },
      takeMetrics: () => ({ 'generate/queue_depth_max': pool.takeMaxQueueDepth() }),
      close: () => pool.close(),
    };
  },
});
