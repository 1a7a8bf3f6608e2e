/**
 * A StageContext for tests: seeded RNG, silent logger, recorded metrics, named resources.
 */
import { Rng, type StageContext } from '@prefstream/core';

export function testContext(resources: Record<string, unknown>, extra: Partial<StageContext> = {}): StageContext & { recorded: Record<string, number>[] } {
  const recorded: Record<string, number>[] = [];
  return {
    rng: new Rng(7),
    log: { info: () => {}, warn: () => {}, error: () => {} },
    metrics: { record: (values) => void recorded.push({ ...values }) },
    resources: new Map(Object.entries(resources)),
    recorded,
    ...extra,
  };
}
