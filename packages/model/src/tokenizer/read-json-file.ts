/** Reads a JSON object from disk; every failure is a DataError naming the file. */
import { readFile } from 'node:fs/promises';
import { DataError } from '@prefstream/core';

/**
 * @returns the parsed object, or `undefined` when the file does not exist and `optional` is set.
 * @example
 * const config = await readJsonFile(path.join(dir, 'tokenizer_config.json'), { optional: true }) ?? {};
 */
export async function readJsonFile(file: string, options: { optional?: boolean } = {}): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') {
      if (options.optional) return undefined;
      throw new DataError({ file, message: 'file not found', cause });
    }
    throw new DataError({ file, message: `cannot read: ${(cause as Error).message}`, cause });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new DataError({ file, message: `malformed JSON: ${(cause as Error).message}`, cause });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new DataError({ file, message: 'expected a JSON object at the top level' });
  }
  return value as Record<string, unknown>;
}
