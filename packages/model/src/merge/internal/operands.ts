/** Opening, describing and closing the input checkpoints of a merge. */
import path from 'node:path';
import { readModelIdentity } from './model-identity.js';
import type { Operand } from './plan-tensors.js';
import { TensorSource } from './tensor-source.js';

/** Opens every directory (headers validated); closes what was opened if one fails. */
export async function openOperands(dirs: readonly string[]): Promise<Operand[]> {
  const opened: Operand[] = [];
  try {
    for (const dir of dirs) {
      const identity = await readModelIdentity(dir);
      opened.push({ identity, source: await TensorSource.open(dir) });
    }
    return opened;
  } catch (err) {
    await closeOperands(opened);
    throw err;
  }
}

export async function closeOperands(operands: readonly Operand[]): Promise<void> {
  for (const o of operands) await o.source.close();
}

/** How an input is recorded in a manifest: where it was and what it held. */
export function inputRecord(o: Operand): Record<string, unknown> {
  return {
    path: path.resolve(o.identity.dir),
    weights_header_sha256: o.source.headerSha256,
    config_sha256: o.identity.configSha256,
    tokenizer_sha256: o.identity.tokenizerSha256,
    tensors: o.source.names().length,
    dtypes: [...new Set(o.source.names().map((n) => o.source.info(n).dtype))],
  };
}
