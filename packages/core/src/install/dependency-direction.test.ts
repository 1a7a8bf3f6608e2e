import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkDependencyDirection, formatViolations, type DependencyEdge } from './internal/dependency-direction.js';
import { findRepoRoot, importsOf, workspaceEdges } from './internal/workspace-graph.js';

const edge = (from: string, to: string, where = 'x.ts:1'): DependencyEdge => ({ from, to, where, text: to });

describe('install invariant: dependency direction', () => {
  it('the workspace has no wrong-way dependency and no @tensorflow import outside core', () => {
    const edges = workspaceEdges(findRepoRoot(dirname(fileURLToPath(import.meta.url))));
    // The graph is real: the known downward dependencies are in it.
    expect(edges.some((e) => e.from === '@prefstream/model' && e.to === '@prefstream/core')).toBe(true);
    expect(edges.some((e) => e.from === '@prefstream/core' && e.to.startsWith('@tensorflow/'))).toBe(true);
    const violations = checkDependencyDirection(edges);
    expect(violations, formatViolations(violations)).toEqual([]);
  });

  it('fails on a wrong-way dependency, naming file, import and rule', () => {
    const v = checkDependencyDirection([edge('@prefstream/model', '@prefstream/trainer', 'packages/model/src/gpt2.ts:7')]);
    expect(formatViolations(v)).toBe(
      "packages/model/src/gpt2.ts:7: @prefstream/model → '@prefstream/trainer': wrong-way dependency: @prefstream/model (layer 1) may not depend on @prefstream/trainer (layer 4)",
    );
  });

  it('fails between losses, sampler and reward, on anything importing tools, and on tfjs outside core', () => {
    const v = checkDependencyDirection([
      edge('@prefstream/losses', '@prefstream/reward'),
      edge('@prefstream/sampler', '@prefstream/losses'),
      edge('@prefstream/trainer', '@prefstream/bench'),
      edge('@prefstream/cli', '@prefstream/bench'),
      edge('@prefstream/model', '@tensorflow/tfjs-core'),
      edge('@prefstream/bench', '@tensorflow/tfjs'),
      edge('@prefstream/widgets', '@prefstream/core'),
    ]);
    expect(v.map((x) => `${x.edge.from}→${x.edge.to}`)).toEqual([
      '@prefstream/losses→@prefstream/reward',
      '@prefstream/sampler→@prefstream/losses',
      '@prefstream/trainer→@prefstream/bench',
      '@prefstream/cli→@prefstream/bench',
      '@prefstream/model→@tensorflow/tfjs-core',
      '@prefstream/bench→@tensorflow/tfjs',
      '@prefstream/widgets→@prefstream/core',
    ]);
    expect(v[4]!.rule).toMatch(/only @prefstream\/core may import '@tensorflow\/\*'/);
  });

  it('allows downward dependencies, self-imports, tfjs in core and third-party packages', () => {
    expect(
      checkDependencyDirection([
        edge('@prefstream/trainer', '@prefstream/eval'),
        edge('@prefstream/eval', '@prefstream/reward'),
        edge('@prefstream/cli', '@prefstream/core'),
        edge('@prefstream/model', '@prefstream/model'),
        edge('@prefstream/core', '@tensorflow/tfjs-backend-wasm'),
        edge('@prefstream/model', '@huggingface/tokenizers'),
      ]),
    ).toEqual([]);
  });

  it('reads static, side-effect, multi-line, type and dynamic imports, not comments', () => {
    const source = [
      "import { a } from '@prefstream/core';",
      'import type {',
      '  B,',
      "} from '@prefstream/model/sub';",
      "import '@prefstream/losses';",
      "const m = await import('@prefstream/eval');",
      "export * from '@prefstream/reward';",
      "/** @example import { x } from '@prefstream/trainer' */",
      "// import { y } from '@prefstream/sampler';",
      "const url = 'https://x.org/a'; import { z } from '@tensorflow/tfjs';",
    ].join('\n');
    expect(importsOf(source)).toEqual([
      { spec: '@prefstream/core', line: 1 },
      { spec: '@prefstream/model', line: 4 },
      { spec: '@prefstream/losses', line: 5 },
      { spec: '@prefstream/eval', line: 6 },
      { spec: '@prefstream/reward', line: 7 },
      { spec: '@tensorflow/tfjs', line: 10 },
    ]);
  });
});
