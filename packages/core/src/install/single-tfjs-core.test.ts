import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { findPackageCopies } from './internal/package-copies.js';
import { findRepoRoot } from './internal/workspace-graph.js';

const here = dirname(fileURLToPath(import.meta.url));

describe('install invariant: one @tensorflow/tfjs-core', () => {
  it('the install holds exactly one copy (two copies = two engines that do not share backends)', () => {
    const root = findRepoRoot(here);
    const copies = findPackageCopies('@tensorflow/tfjs-core', [root]);
    expect(copies, `copies of @tensorflow/tfjs-core:\n${copies.join('\n')}`).toHaveLength(1);
  });

  const fake = mkdtempSync(join(tmpdir(), 'prefstream-install-'));
  afterAll(() => rmSync(fake, { recursive: true, force: true }));
  const manifest = (dir: string) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{}');
  };

  it('finds a nested copy, through scoped packages and workspace symlinks, once each', () => {
    manifest(join(fake, 'node_modules/@tensorflow/tfjs-core'));
    manifest(join(fake, 'node_modules/@tensorflow/tfjs-node/node_modules/@tensorflow/tfjs-core'));
    manifest(join(fake, 'packages/a/node_modules/@tensorflow/tfjs-core'));
    mkdirSync(join(fake, 'node_modules/@prefstream'), { recursive: true });
    symlinkSync(join(fake, 'packages/a'), join(fake, 'node_modules/@prefstream/a'));
    symlinkSync(join(fake, 'packages/a'), join(fake, 'node_modules/@prefstream/a-again'));
    const copies = findPackageCopies('@tensorflow/tfjs-core', [fake]);
    expect(copies.map((c) => c.slice(fake.length))).toEqual([
      '/node_modules/@tensorflow/tfjs-core/package.json',
      '/node_modules/@tensorflow/tfjs-node/node_modules/@tensorflow/tfjs-core/package.json',
      '/packages/a/node_modules/@tensorflow/tfjs-core/package.json',
    ].map((p) => p).sort());
  });
});
