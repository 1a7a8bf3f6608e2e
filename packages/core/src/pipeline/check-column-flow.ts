/**
 * The static check of a whole chain (DESIGN §3): walk the stages in order with the set of columns
 * available, each stage's `requires` must be a subset, then `+ produces − consumes`; and each
 * stage's input kind must equal the previous output kind ('gradients' only feed 'gradients').
 */
import { ConfigError } from '../errors/config-error.js';
import type { FlowKind } from '../stage/stage.js';
import { stageLabel, type ParsedStage } from './define-pipeline.js';

/** The columns and item kind seen after each stage. */
export interface ColumnFlow {
  /** Columns available after the last stage. */
  readonly columns: readonly string[];
  /** Kind of item the last stage emits. */
  readonly output: FlowKind;
  /** Columns available *into* each stage, by index. */
  readonly inputs: readonly (readonly string[])[];
}

/**
 * Throws a {@link ConfigError} naming the first stage (index, kind) whose input does not fit,
 * the missing column(s) and the columns that were available.
 *
 * @example
 * checkColumnFlow(definePipeline(registry, specs), ['prompt', 'chosen', 'rejected']).columns;
 */
export function checkColumnFlow(stages: readonly ParsedStage[], sourceColumns: readonly string[], sourceKind: FlowKind = 'batch'): ColumnFlow {
  const available = new Set(sourceColumns);
  let kind: FlowKind = sourceKind;
  let from = 'the source';
  const inputs: string[][] = [];
  for (const stage of stages) {
    const { definition, options, index } = stage;
    const where = `pipeline stage ${stageLabel(index, stage.kind)}`;
    if (definition.input !== kind) {
      throw new ConfigError(where, `takes '${definition.input}' items but ${from} emits '${kind}' items`);
    }
    const missing = definition.requires(options).filter((name) => !available.has(name));
    if (missing.length > 0) {
      const have = [...available].join(', ') || 'none';
      throw new ConfigError(where, `requires column(s) ${missing.map((m) => `"${m}"`).join(', ')} not available after ${from} (available: ${have})`);
    }
    inputs.push([...available]);
    for (const name of definition.produces(options)) available.add(name);
    for (const name of definition.consumes?.(options) ?? []) available.delete(name);
    kind = definition.output;
    from = `stage ${stageLabel(index, stage.kind)}`;
  }
  return { columns: [...available], output: kind, inputs };
}
