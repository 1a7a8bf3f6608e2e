/**
 * Typed look-up of a named shared object in `ctx.resources`, with an error that names the reward
 * kind, the option and the resources that do exist.
 */
import { ConfigError, type StageContext } from '@prefstream/core';

export function resourceOf<T>(
  ctx: StageContext,
  name: string,
  where: string,
  what: string,
  check: (value: unknown) => value is T,
): T {
  const value = ctx.resources.get(name);
  if (value === undefined) {
    const present = [...ctx.resources.keys()].join(', ') || 'none';
    throw new ConfigError(where, `no resource named "${name}" (expected ${what}; resources: ${present})`);
  }
  if (!check(value)) throw new ConfigError(where, `resource "${name}" is not ${what}`);
  return value;
}
