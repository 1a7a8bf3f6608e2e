/**
 * Reads the real dependency graph of the workspace: for every npm workspace, its package.json
 * dependencies and every `from '@x/y'`, `import '@x/y'` and `import('@x/y')` in its src/**\/*.ts.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import type { DependencyEdge } from './dependency-direction.js';

/** The directory above `start` whose package.json declares npm `workspaces`. */
export function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && 'workspaces' in (JSON.parse(readFileSync(pkg, 'utf8')) as object)) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json with "workspaces" above ${start}`);
  }
}

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'] as const;

/** `@scope/name` of a specifier (subpaths dropped); undefined for relative and unscoped ones. */
function scopedPackage(specifier: string): string | undefined {
  return /^(@[\w.-]+\/[\w.-]+)/.exec(specifier)?.[1];
}

/**
 * The scoped-package imports in one source text, with 1-based line numbers. TypeScript's own
 * pre-processor finds them (static, side-effect, type-only, `export … from`, dynamic `import()`),
 * so strings and comments that merely contain import syntax are not mistaken for imports.
 */
export function importsOf(source: string): { spec: string; line: number }[] {
  const { importedFiles } = ts.preProcessFile(source, true, true);
  const found: { spec: string; line: number }[] = [];
  for (const ref of importedFiles) {
    const spec = scopedPackage(ref.fileName);
    if (spec) found.push({ spec, line: source.slice(0, ref.pos).split('\n').length });
  }
  return found.sort((a, b) => a.line - b.line);
}

function tsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...tsFiles(path));
    else if (entry.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** Every dependency edge of every workspace package under `root`. */
export function workspaceEdges(root: string): DependencyEdge[] {
  const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces?: string[] };
  const edges: DependencyEdge[] = [];
  for (const workspace of rootPkg.workspaces ?? []) {
    const dir = join(root, workspace);
    const pkgFile = join(dir, 'package.json');
    if (!existsSync(pkgFile)) throw new Error(`workspace ${workspace} (root package.json) has no package.json`);
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as Record<string, unknown> & { name: string };
    for (const field of DEPENDENCY_FIELDS) {
      for (const name of Object.keys((pkg[field] as Record<string, string> | undefined) ?? {})) {
        edges.push({ from: pkg.name, to: name, where: `${relative(root, pkgFile)} (${field})`, text: name });
      }
    }
    for (const file of tsFiles(join(dir, 'src'))) {
      for (const { spec, line } of importsOf(readFileSync(file, 'utf8'))) {
        edges.push({ from: pkg.name, to: spec, where: `${relative(root, file)}:${line}`, text: spec });
      }
    }
  }
  return edges;
}
