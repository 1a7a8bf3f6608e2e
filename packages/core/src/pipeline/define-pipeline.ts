/**
 * A pipeline is data: a list of `{ kind, ...options }` specs (from TS, YAML or JSON). This parses
 * every spec's options with its stage's own strict zod schema, once, before anything is built.
 */
import { z } from 'zod';
import { ConfigError } from '../errors/config-error.js';
import type { StageDefinition, StageSpec } from '../stage/stage.js';
import type { StageRegistry } from './stage-registry.js';

/** The shape of one spec before its stage is known: a `kind` plus anything else. */
export const StageSpecSchema = z.looseObject({ kind: z.string().min(1) });

/** One stage of a parsed pipeline: its position, definition and parsed options. */
export interface ParsedStage {
  readonly index: number;
  readonly kind: string;
  readonly definition: StageDefinition;
  readonly options: unknown;
}

/**
 * How stages are named in errors and `StageError.stage`.
 *
 * @example
 * stageLabel(1, 'tokenize'); // 'tokenize (#1)'
 */
export function stageLabel(index: number, kind: string): string {
  return `${kind} (#${index})`;
}

/**
 * Parses `specs` against `registry`. Errors name the stage index and kind; unknown kinds list
 * the registered kinds; unknown option keys list the stage's valid keys.
 *
 * @example
 * const stages = definePipeline(registry, [{ kind: 'tokenize', maxLength: 512 }, { kind: 'preferenceLoss', beta: 0.1 }]);
 * stages[1].options; // { beta: 0.1, … defaults }
 */
export function definePipeline(registry: StageRegistry, specs: readonly StageSpec[]): ParsedStage[] {
  if (!Array.isArray(specs)) throw new ConfigError('pipeline', `stages must be a list, got ${typeof specs}`);
  return specs.map((spec, index) => {
    const head = StageSpecSchema.safeParse(spec);
    if (!head.success) throw ConfigError.fromZod(`pipeline stage #${index}`, head.error);
    const { kind, ...options } = head.data;
    const where = `pipeline stage ${stageLabel(index, kind)}`;
    const definition = registry.get(kind, where);
    const parsed = definition.options.safeParse(options);
    if (!parsed.success) throw optionError(where, definition, parsed.error);
    return { index, kind, definition, options: parsed.data };
  });
}

/** zod's message, plus the valid keys when the problem is an unknown key (the usual typo). */
function optionError(where: string, definition: StageDefinition, error: z.ZodError): ConfigError {
  const unknown = error.issues.some((issue) => issue.code === 'unrecognized_keys');
  const shape = (definition.options as { shape?: Record<string, unknown> }).shape;
  if (unknown && shape) {
    const valid = Object.keys(shape);
    return new ConfigError(where, `invalid options (valid keys: ${valid.join(', ') || 'none'})\n${z.prettifyError(error)}`, error);
  }
  return ConfigError.fromZod(where, error);
}
