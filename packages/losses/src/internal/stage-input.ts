/**
 * Stage plumbing: a batch from a flow item, and errors routed downstream with stage and batch.
 */
import { StageError, type Batch, type FlowItem } from '@prefstream/core';
import { RecordBatch } from 'apache-arrow';

/** The item as a record batch, or an error saying the stage needs batches. */
export function asBatch(item: FlowItem, stage: string, batchIndex: number): Batch {
  if (item instanceof RecordBatch) return item;
  throw new StageError({ stage, batchIndex, message: `expected a record batch, got ${(item as { kind?: string }).kind ?? typeof item}` });
}

/** `cause` wrapped as a StageError naming the stage and batch (kept as is when it already is one). */
export function stageError(stage: string, batchIndex: number, cause: unknown): StageError {
  return cause instanceof StageError ? cause : new StageError({ stage, batchIndex, cause });
}
