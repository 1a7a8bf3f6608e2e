/**
 * The default loader of a generation thread: the tensor backend, then `loadTokenizer(dir)` and
 * `CausalLM.load(dir, { tokenizer })` from `@prefstream/model` (a Hugging Face checkpoint
 * directory, DESIGN §5). A loader is any module exporting `loadGenerator(dir, options)`; tests
 * pass their own.
 */
import { initBackend, type BackendName } from '@prefstream/core';
import type { LoadedGenerator } from './worker-protocol.js';

/** Loads the model and tokenizer of `dir` in this thread. */
export async function loadGenerator(dir: string, options: { backend?: string }): Promise<LoadedGenerator> {
  const backend = await initBackend({ ...(options.backend ? { prefer: options.backend as BackendName } : {}), log: () => {} });
  // Imported here, not at the top: only generation threads pay for loading the model package.
  const { CausalLM, loadTokenizer } = await import('@prefstream/model');
  const tokenizer = await loadTokenizer(dir);
  const generator = await CausalLM.load(dir, { tokenizer });
  return { generator, tokenizer, backend: backend.name };
}
