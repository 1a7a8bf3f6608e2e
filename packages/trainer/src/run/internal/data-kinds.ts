/**
 * Where a run's rows come from, by `data.kind` (a registry): `file` (the default) reads JSONL /
 * Parquet / Arrow IPC; `bandit` generates the rows of a one-prompt bandit in memory in the format
 * the stage list reads, and scores the run against the oracle (bandit/bandit-monitor.ts).
 */
import type { RecordBatch } from 'apache-arrow';
import { readDataset, type ParsedStage } from '@prefstream/core';
import type { TabularPolicy } from '@prefstream/eval';
import type { BanditDataConfig } from '../../bandit/bandit-data-config.js';
import { banditMonitor, type RunMonitor } from '../../bandit/bandit-monitor.js';
import { banditTarget } from '../../bandit/bandit-optimum.js';
import { banditRowFormat, readBanditRows } from '../../bandit/bandit-rows.js';
import type { RunConfig } from '../run-config.js';

/** A run's data, opened. */
export interface RunData {
  /** The column names of the rows (nothing else is read). */
  columns(): Promise<string[]>;
  /** The rows from row `skip` on, in source batches stamped with their position. */
  read(skip: number): AsyncGenerator<RecordBatch>;
  /** Per-update metrics and an end-of-run report, given the run's resources. */
  monitor?(resources: ReadonlyMap<string, unknown>): RunMonitor;
}

/** Opens a data kind for a stage list; errors name `where`. */
export type DataKind = (config: RunConfig, stages: readonly ParsedStage[], where: string) => RunData;

const file: DataKind = (config) => {
  const data = config.data as { path: string; groupBy?: string };
  return {
    async columns() {
      const iterator = readDataset(data.path, { batchRows: 1, groupBy: data.groupBy });
      try {
        const first = await iterator.next();
        return first.done ? [] : first.value.schema.fields.map((f) => f.name);
      } finally {
        await iterator.return(undefined);
      }
    },
    read: (skip) => readDataset(data.path, { batchRows: config.batchRows, groupBy: data.groupBy, skip }),
  };
};

const bandit: DataKind = (config, stages, where) => {
  const data = config.data as BanditDataConfig;
  const format = banditRowFormat(stages, `${where} data`);
  const target = banditTarget(data, stages, `${where} data`); // before any model loads: errors early
  return {
    columns: async () => [...format.columns],
    read: (skip) => readBanditRows(format, data, { batchRows: config.batchRows, skip }),
    monitor: (resources) => banditMonitor(data, target, resources.get('policy') as TabularPolicy),
  };
};

/** Data kinds by name; `file` when `data.kind` is absent. */
export const DATA_KINDS: ReadonlyMap<string, DataKind> = new Map<string, DataKind>([
  ['file', file],
  ['bandit', bandit],
]);

/** Opens `config.data`. */
export function openRunData(config: RunConfig, stages: readonly ParsedStage[], where: string): RunData {
  return DATA_KINDS.get(config.data.kind ?? 'file')!(config, stages, where);
}
