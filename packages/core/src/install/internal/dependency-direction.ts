/**
 * The dependency rule of the workspace (DESIGN §1): core ← model ← {losses, sampler, reward} ←
 * eval ← trainer ← tools. A package may depend only on packages of a lower layer; the three
 * packages of one layer (losses, sampler, reward) may not depend on each other; nothing depends on
 * tools; and only core imports '@tensorflow/*' (one tfjs-core instance; DESIGN §2).
 */

/** Layer of each workspace package by name; lower layers may not depend on higher ones. */
export const LAYERS: Readonly<Record<string, number>> = {
  '@prefstream/core': 0,
  '@prefstream/model': 1,
  '@prefstream/losses': 2,
  '@prefstream/sampler': 2,
  '@prefstream/reward': 2,
  '@prefstream/eval': 3,
  '@prefstream/trainer': 4,
  '@prefstream/cli': 5,
  '@prefstream/bench': 5,
};

/** The package allowed to import tfjs directly. */
export const TFJS_OWNER = '@prefstream/core';

/** One dependency of a workspace package: a package.json entry or an import in a source file. */
export interface DependencyEdge {
  /** Name of the depending package. */
  readonly from: string;
  /** Imported package name (`@prefstream/model`, `@tensorflow/tfjs-core`, …). */
  readonly to: string;
  /** Where: `packages/x/package.json (dependencies)` or `packages/x/src/y.ts:12`. */
  readonly where: string;
  /** The import or dependency text as written. */
  readonly text: string;
}

/** A broken rule, with the place to fix it. */
export interface DependencyViolation {
  readonly edge: DependencyEdge;
  readonly rule: string;
}

/** Checks every edge against the layer rule and the tfjs rule; returns the violations. */
export function checkDependencyDirection(edges: readonly DependencyEdge[]): DependencyViolation[] {
  const violations: DependencyViolation[] = [];
  for (const edge of edges) {
    if (edge.from === edge.to) continue;
    if (edge.to.startsWith('@tensorflow/')) {
      if (edge.from !== TFJS_OWNER) violations.push({ edge, rule: `only ${TFJS_OWNER} may import '@tensorflow/*'; import tf from '@prefstream/core'` });
      continue;
    }
    if (!edge.to.startsWith('@prefstream/')) continue;
    const from = LAYERS[edge.from];
    const to = LAYERS[edge.to];
    if (from === undefined) {
      violations.push({ edge, rule: `${edge.from} has no layer in LAYERS (add it: packages/core/src/install/internal/dependency-direction.ts)` });
    } else if (to === undefined) {
      violations.push({ edge, rule: `${edge.to} has no layer in LAYERS` });
    } else if (to === from) {
      violations.push({ edge, rule: `${edge.from} and ${edge.to} are in the same layer and may not depend on each other` });
    } else if (to > from) {
      violations.push({ edge, rule: `wrong-way dependency: ${edge.from} (layer ${from}) may not depend on ${edge.to} (layer ${to})` });
    }
  }
  return violations;
}

/** One line per violation: `where: from → text: rule`. */
export function formatViolations(violations: readonly DependencyViolation[]): string {
  return violations.map((v) => `${v.edge.where}: ${v.edge.from} → '${v.edge.text}': ${v.rule}`).join('\n');
}
