/** A StageContext for tests: seeded rng, recorded metrics and log lines, given resources. */
import { createRng, type StageContext } from '@prefstream/core';

export interface RecordedMetric {
  values: Readonly<Record<string, number>>;
  stage: string | undefined;
}

export function testContext(seed = 1, resources: Record<string, unknown> = {}, signal?: AbortSignal) {
  const metrics: RecordedMetric[] = [];
  const logs: string[] = [];
  const ctx: StageContext = {
    rng: createRng(seed),
    log: { info: (m) => logs.push(`info ${m}`), warn: (m) => logs.push(`warn ${m}`), error: (m) => logs.push(`error ${m}`) },
    metrics: { record: (values, meta) => metrics.push({ values, stage: meta?.stage }) },
    resources: new Map(Object.entries(resources)),
    ...(signal ? { signal } : {}),
  };
  /** Sum of one metric over all records. */
  const total = (name: string) => metrics.reduce((s, m) => s + (m.values[name] ?? 0), 0);
  return { ctx, metrics, logs, total };
}
