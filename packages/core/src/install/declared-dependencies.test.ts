import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { packageOf, undeclaredImports } from './internal/declared-dependencies.js';
import { findRepoRoot } from './internal/workspace-graph.js';

const root = findRepoRoot(fileURLToPath(new URL('.', import.meta.url)));

/** Shipped sources: everything under src except tests and test support. */
function shippedFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === 'test-support' || entry === 'install' ? [] : shippedFiles(path);
    return entry.endsWith('.ts') && !entry.endsWith('.test.ts') ? [path] : [];
  });
}

describe('declared dependencies', () => {
  it('parses package names from specifiers', () => {
    expect(packageOf('@scope/name/deep/path.js')).toBe('@scope/name');
    expect(packageOf('rxjs/operators')).toBe('rxjs');
    expect(packageOf('node:fs')).toBeUndefined();
    expect(packageOf('fs')).toBeUndefined();
    expect(packageOf('./local.js')).toBeUndefined();
  });

  it('reports an undeclared import with its line', () => {
    const src = "import { a } from 'zod';\nimport { b } from 'rxjs/operators';\nimport x from './x.js';\n";
    expect(undeclaredImports(src, new Set(['zod']), '@prefstream/core')).toEqual([{ pkg: 'rxjs', line: 2 }]);
  });

  it('every workspace declares each package its shipped code imports', () => {
    const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] };
    const problems: string[] = [];
    for (const workspace of rootPkg.workspaces) {
      const pkg = JSON.parse(readFileSync(join(root, workspace, 'package.json'), 'utf8')) as Record<string, Record<string, string> | string>;
      const declared = new Set(['dependencies', 'peerDependencies', 'optionalDependencies'].flatMap((f) => Object.keys((pkg[f] as Record<string, string>) ?? {})));
      for (const file of shippedFiles(join(root, workspace, 'src'))) {
        for (const { pkg: name, line } of undeclaredImports(readFileSync(file, 'utf8'), declared, pkg.name as string)) {
          problems.push(`${relative(root, file)}:${line} imports ${name}, not in ${workspace}/package.json dependencies`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
