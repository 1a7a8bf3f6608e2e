/**
 * The default loader of a generation thread: the tensor backend, then `CausalLM.load(dir)` and
 * `loadTokenizer(dir)` from `@prefstream/model` (a Hugging Face checkpoint directory, DESIGN §5).
 * A loader is any module exporting `loadGenerator(dir, options)`; tests pass their own.
 */
import { initBackend, type BackendName } from '@prefstream/core';
import type { LoadedGenerator } from './worker-protocol.js';

interface ModelModule {
  CausalLM?: { load(dir: string): Promise<LoadedGenerator['generator']> };
  loadTokenizer?: (dir: string) => Promise<{ encode(text: string): number[] }>;
}

/** Loads the model and tokenizer of `dir` in this thread. */
export async function loadGenerator(dir: string, options: { backend?: string }): Promise<LoadedGenerator> {
  await initBackend({ ...(options.backend ? { prefer: options.backend as BackendName } : {}), log: () => {} });
  // Imported by name at run time: the model package is loaded only in threads that need it.
  const model = (await import('@prefstream/model')) as unknown as ModelModule;
  if (!model.CausalLM || !model.loadTokenizer) throw new Error('@prefstream/model does not export CausalLM.load and loadTokenizer');
  const [generator, tokenizer] = await Promise.all([model.CausalLM.load(dir), model.loadTokenizer(dir)]);
  return { generator, tokenizer };
}
