/** Test fixtures: a stage context that records metrics, and text batches built from columns. */
import { lastValueFrom, from, toArray } from 'rxjs';
import { createRng, makeBatch, utf8Vector, type Batch, type FlowItem, type StageContext } from '@prefstream/core';
import { scoreWithReward } from '../score-with-reward.js';

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

/** Runs `scoreWithReward` with raw (unparsed) reward options over `batches`. */
export async function scoreAll(reward: unknown, ctx: StageContext, batches: Batch[]): Promise<Batch[]> {
  const options = scoreWithReward.options.parse({ reward });
  const out = await lastValueFrom(from(batches).pipe(scoreWithReward.create(options, ctx), toArray()));
  return out.map(asBatch);
}

export function asBatch(item: FlowItem): Batch {
  if ('kind' in item && item.kind === 'gradients') throw new Error('expected a batch');
  return item as Batch;
}
