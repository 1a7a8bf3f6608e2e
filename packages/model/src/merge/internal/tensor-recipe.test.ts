import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rawToFloat32 } from '../../safetensors/half-float.js';
import { recipeProducer, type TensorRecipe } from './tensor-recipe.js';
import { TensorSource } from './tensor-source.js';
import { writeTinyCheckpoint } from './tiny-checkpoint.js';

let tmp: string;
beforeEach(async () => void (tmp = await mkdtemp(path.join(tmpdir(), 'tensor-recipe-'))));
afterEach(async () => rm(tmp, { recursive: true, force: true }));

describe('recipeProducer', () => {
  it('streams a tensor in element chunks (last one short) with the same result as one pass', async () => {
    const values = Array.from({ length: 10 }, (_, i) => i - 4.5);
    await writeTinyCheckpoint(path.join(tmp, 'a'), { x: { values, dtype: 'BF16' }, y: { values: [1, 2, 3], dtype: 'F16' } });
    const a = await TensorSource.open(path.join(tmp, 'a'));
    try {
      const recipes = new Map<string, TensorRecipe>([
        ['x', { kind: 'compute', sources: [{ source: a, name: 'x' }, { source: a, name: 'x' }], combine: ([p, q]) => p!.map((v, i) => v + 2 * q![i]!) }],
        ['y', { kind: 'copy', source: a, name: 'y' }],
      ]);
      const produce = recipeProducer(recipes, 3);
      const chunks: Uint8Array[] = [];
      await produce({ name: 'x', dtype: 'F32', shape: [10] }, async (b) => void chunks.push(b.slice()));
      expect(chunks.map((c) => c.byteLength)).toEqual([12, 12, 12, 4]);
      const joined = new Uint8Array(Buffer.concat(chunks));
      expect([...rawToFloat32({ dtype: 'F32', shape: [10], data: joined })]).toEqual(values.map((v) => 3 * v));
      const copied: Uint8Array[] = [];
      await produce({ name: 'y', dtype: 'F16', shape: [3] }, async (b) => void copied.push(b.slice()));
      expect([...rawToFloat32({ dtype: 'F16', shape: [3], data: new Uint8Array(Buffer.concat(copied)) })]).toEqual([1, 2, 3]);
      await expect(a.readBytes('y', 4, 4)).rejects.toThrow(/bytes \[4, 8\) outside \[0, 6\)/);
    } finally {
      await a.close();
    }
  });
});
