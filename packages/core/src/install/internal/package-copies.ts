/**
 * Finds every installed copy of a package under a directory's node_modules, nested ones included
 * (`node_modules/a/node_modules/b`), following workspace symlinks once. Two copies of
 * `@tensorflow/tfjs-core` mean two engines, and tensors of one are invisible to the other.
 */
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // dangling symlink
  }
}

/** Paths of `<name>/package.json` in every node_modules reachable from `roots`. */
export function findPackageCopies(name: string, roots: readonly string[]): string[] {
  const found = new Set<string>();
  const seen = new Set<string>();
  const visitPackageDir = (dir: string): void => {
    const real = realpathSync(dir);
    if (seen.has(real)) return;
    seen.add(real);
    const nested = join(dir, 'node_modules');
    if (isDir(nested)) visitNodeModules(nested);
  };
  const visitNodeModules = (nodeModules: string): void => {
    const manifest = join(nodeModules, name, 'package.json');
    if (existsSync(manifest)) found.add(realpathSync(manifest));
    for (const entry of readdirSync(nodeModules)) {
      if (entry.startsWith('.')) continue; // .bin, .package-lock.json, .cache
      const path = join(nodeModules, entry);
      if (!isDir(path)) continue;
      if (entry.startsWith('@')) {
        for (const scoped of readdirSync(path)) if (isDir(join(path, scoped))) visitPackageDir(join(path, scoped));
      } else {
        visitPackageDir(path);
      }
    }
  };
  for (const root of roots) visitPackageDir(root);
  return [...found].sort();
}
