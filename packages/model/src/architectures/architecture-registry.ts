/**
 * Architecture name → implementation. Mistral configs parse to `llama`; Qwen2 is Llama with
 * q/k/v biases, a difference its config carries.
 */
import type { ArchitectureName } from '../config/model-config.js';
import type { Architecture } from './architecture.js';
import { gpt2 } from './gpt2.js';
import { llama } from './llama.js';

export const ARCHITECTURES: Readonly<Record<ArchitectureName, Architecture>> = {
  gpt2,
  llama,
  qwen2: llama,
};
