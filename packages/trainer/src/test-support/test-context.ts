/** A {@link StageContext} for tests that records log lines and metrics instead of printing them. */
import { Rng, type StageContext } from '@prefstream/core';

export interface RecordingContext extends StageContext {
  readonly lines: { level: 'info' | 'warn' | 'error'; message: string }[];
  readonly recorded: { values: Readonly<Record<string, number>>; meta: { stage?: string; step?: number } | undefined }[];
}

export function testContext(resources: Record<string, unknown>, seed = 1): RecordingContext {
  const lines: RecordingContext['lines'] = [];
  const recorded: RecordingContext['recorded'] = [];
  return {
    rng: new Rng(seed),
    log: {
      info: (message) => lines.push({ level: 'info', message }),
      warn: (message) => lines.push({ level: 'warn', message }),
      error: (message) => lines.push({ level: 'error', message }),
    },
    metrics: { record: (values, meta) => recorded.push({ values: { ...values }, meta }) },
    resources: new Map(Object.entries(resources)),
    lines,
    recorded,
  };
}
