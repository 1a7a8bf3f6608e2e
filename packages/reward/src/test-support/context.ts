/** Test fixtures: a stage context that records metrics, and text batches built from columns. */
import { createRng, makeBatch, utf8Vector, type Batch, type StageContext } from '@prefstream/core';

export interface RecordedMetrics {
  values: Record<string, number>[];
  meta: ({ stage?: string; step?: number } | undefined)[];
}

export function testContext(resources: Record<string, unknown> = {}, signal?: AbortSignal): StageContext & { recorded: RecordedMetrics } {
  const recorded: RecordedMetrics = { values: [], meta: [] };
  return {
    rng: createRng(7),
    log: { info: () => {}, warn: () => {}, error: () => {} },
    metrics: {
      record(values, meta) {
        recorded.values.push({ ...values });
        recorded.meta.push(meta);
      },
    },
    resources: new Map(Object.entries(resources)),
    ...(signal ? { signal } : {}),
    recorded,
  };
}

/** A batch with Utf8 columns prompt_id / prompt / completion (+ any extra string columns). */
export function textBatch(columns: { prompt_id: string[]; prompt: string[]; completion: string[] } & Record<string, string[]>): Batch {
  return makeBatch(Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, utf8Vector(v)])));
}
