/**
 * Stage kinds by name. The builder and the YAML loader look stages up here; adding a stage is a
 * `register` call, never a new branch somewhere (STYLE: registries, not if/else chains).
 */
import type { z } from 'zod';
import { ConfigError } from '../errors/config-error.js';
import type { StageDefinition } from '../stage/stage.js';

/**
 * @example
 * const registry = new StageRegistry().register(tokenize).register(preferenceLoss);
 * registry.get('tokenize').options.parse({ maxLength: 512 });
 */
export class StageRegistry {
  private readonly byKind = new Map<string, StageDefinition>();

  /** Adds a stage kind; registering the same kind twice is an error (two stages, one name). */
  register<S extends z.ZodType>(definition: StageDefinition<S>): this {
    if (this.byKind.has(definition.kind)) {
      throw new ConfigError('stage registry', `stage kind "${definition.kind}" is already registered`);
    }
    this.byKind.set(definition.kind, definition as unknown as StageDefinition);
    return this;
  }

  /** The definition of `kind`, or a {@link ConfigError} listing the valid kinds. */
  get(kind: string, where = 'stage registry'): StageDefinition {
    const definition = this.byKind.get(kind);
    if (!definition) {
      throw new ConfigError(where, `unknown stage kind "${kind}" (valid kinds: ${this.kinds().join(', ') || 'none registered'})`);
    }
    return definition;
  }

  has(kind: string): boolean {
    return this.byKind.has(kind);
  }

  /** Registered kinds, sorted. */
  kinds(): string[] {
    return [...this.byKind.keys()].sort();
  }
}
