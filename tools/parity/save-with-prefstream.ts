/**
 * The reverse parity check's first half: loads every parity fixture (and the real GPT-2
 * checkpoint) with prefstream's CausalLM and writes each back with `CausalLM.save` into OUT_DIR,
 * so that reference.py can read what prefstream wrote:
 *
 *   npx tsx --conditions=@prefstream/source tools/parity/save-with-prefstream.ts /tmp/prefstream-saved
 *   for n in gpt2 llama-gqa llama-bf16 qwen2 hf-gpt2-tiny; do
 *     /usr/bin/python3 tools/parity/reference.py check /tmp/prefstream-saved/$n packages/model/fixtures/$n.expected.json
 *   done
 */
import path from 'node:path';
import { initBackend } from '@prefstream/core';
import { CausalLM } from '@prefstream/model';

const outDir = process.argv[2];
if (!outDir) {
  console.error('usage: tsx --conditions=@prefstream/source tools/parity/save-with-prefstream.ts OUT_DIR');
  process.exit(2);
}
const root = path.resolve(import.meta.dirname, '../..');
const sources: Record<string, string> = {
  'hf-gpt2-tiny': path.resolve(root, '../shared/fixtures/hf-gpt2-tiny'),
  ...Object.fromEntries(['gpt2', 'llama-gqa', 'llama-bf16', 'qwen2'].map((n) => [n, path.join(root, 'packages/model/fixtures', n)])),
};
await initBackend({ prefer: 'wasm', log: () => {} });
for (const [name, dir] of Object.entries(sources)) {
  const model = await CausalLM.load(dir);
  try {
    await model.save(path.join(outDir, name));
  } finally {
    model.dispose();
  }
  console.log(`saved ${name} → ${path.join(outDir, name)}`);
}
