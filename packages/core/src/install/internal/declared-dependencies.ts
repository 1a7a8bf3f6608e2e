/**
 * Finds imports of npm packages that a workspace's shipped code (src/**, tests excluded) uses
 * without declaring them in its own package.json. Hoisting in the workspace hides such gaps;
 * a published package would fail to resolve them.
 */
import { builtinModules } from 'node:module';
import ts from 'typescript';

const BUILTINS = new Set(builtinModules);

/** The npm package of a bare specifier (`@s/n/sub` → `@s/n`, `pkg/sub` → `pkg`); undefined otherwise. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  return BUILTINS.has(name) ? undefined : name;
}

/** Packages imported by `source` that are missing from `declared`, with 1-based lines. */
export function undeclaredImports(source: string, declared: ReadonlySet<string>, self: string): { pkg: string; line: number }[] {
  const out: { pkg: string; line: number }[] = [];
  for (const ref of ts.preProcessFile(source, true, true).importedFiles) {
    const pkg = packageOf(ref.fileName);
    if (pkg && pkg !== self && !declared.has(pkg)) out.push({ pkg, line: source.slice(0, ref.pos).split('\n').length });
  }
  return out;
}
