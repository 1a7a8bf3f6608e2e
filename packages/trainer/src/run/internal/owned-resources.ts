/**
 * What every policy kind's loader ends with: the optimizer over the trained model's variables,
 * and one disposer for everything the loader made (newest first), also on a failed load.
 */
import type { Tokenizer } from '@prefstream/model';
import type { Variable } from '@prefstream/core';
import { createOptimizer, type Optimizer } from '../../optim/optimizer.js';
import type { RunConfig } from '../run-config.js';

/** Disposes `owned` newest first (a failed load, or the end of a run). */
export function disposeOwned(owned: { dispose(): void }[]): void {
  owned.reverse().forEach((o) => o.dispose());
}

/**
 * Adds the `optimizer` resource over `policy`'s trainable variables and returns the loaded set,
 * whose `dispose` frees every entry of `owned` and the optimizer.
 * @example return withOptimizer(config, map, policy, tokenizer, owned);
 */
export function withOptimizer<P extends { trainableVariables(): ReadonlyMap<string, Variable> }>(
  config: RunConfig,
  map: Map<string, unknown>,
  policy: P,
  tokenizer: Tokenizer,
  owned: { dispose(): void }[],
): { map: Map<string, unknown>; policy: P; optimizer: Optimizer; tokenizer: Tokenizer; dispose(): void } {
  const optimizer = createOptimizer(config.optimizer, policy.trainableVariables());
  owned.push(optimizer);
  map.set('optimizer', optimizer);
  return { map, policy, optimizer, tokenizer, dispose: () => disposeOwned(owned) };
}
