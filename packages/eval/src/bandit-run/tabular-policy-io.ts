/**
 * A tabular policy on disk: `tabular_policy.json` with its arms, context tokens and logits. JSON
 * numbers print the shortest decimal that reads back to the same double, and every float32 is a
 * double, so a saved and loaded policy has bit-identical logits (a resumed run continues exactly).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { DataError } from '@prefstream/core';

/** The file a tabular policy is saved as. */
export const TABULAR_POLICY_FILE = 'tabular_policy.json';

const TabularPolicyFile = z.strictObject({
  format: z.literal('prefstream-tabular-policy'),
  name: z.string().min(1),
  arms: z.int().positive(),
  contextTokens: z.array(z.int().nonnegative()),
  logits: z.array(z.number()),
});

/** What the file holds. */
export type TabularPolicyData = Omit<z.infer<typeof TabularPolicyFile>, 'format'>;

/**
 * Writes a policy's data into `dir` (created if needed); `TabularPolicy.save` calls it.
 * @example await writeTabularPolicy('runs/bandit/final', { name, arms: 3, contextTokens: [], logits: [0, 0, 0] })
 */
export async function writeTabularPolicy(dir: string, data: TabularPolicyData): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, TABULAR_POLICY_FILE), JSON.stringify({ format: 'prefstream-tabular-policy', ...data }) + '\n');
}

/**
 * Reads and checks the data written by {@link writeTabularPolicy}; errors name the file and the
 * field. `TabularPolicy.load` builds the policy from it.
 * @example const data = await readTabularPolicy('runs/bandit/checkpoint-100')
 */
export async function readTabularPolicy(dir: string): Promise<TabularPolicyData> {
  const path = join(dir, TABULAR_POLICY_FILE);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new DataError({ file: path, message: `cannot read a tabular policy: ${(cause as Error).message}`, cause });
  }
  const parsed = TabularPolicyFile.safeParse(json);
  if (!parsed.success) throw new DataError({ file: path, field: parsed.error.issues[0]?.path.join('.'), message: z.prettifyError(parsed.error) });
  const { format: _format, ...data } = parsed.data;
  if (data.logits.length !== data.arms * (1 + data.contextTokens.length)) {
    throw new DataError({ file: path, field: 'logits', message: `${data.logits.length} logits for ${data.arms} arms × ${1 + data.contextTokens.length} contexts` });
  }
  return data;
}
