import { z } from 'zod';

/**
 * A configuration error found before any data moves: unknown keys, wrong types, unknown kinds.
 * The message is zod's human-readable rendering, prefixed by where the config came from.
 */
export class ConfigError extends Error {
  readonly where: string;

  constructor(where: string, message: string, cause?: unknown) {
    super(`${where}: ${message}`, { cause });
    this.name = 'ConfigError';
    this.where = where;
  }

  static fromZod(where: string, error: z.ZodError): ConfigError {
    return new ConfigError(where, `invalid configuration\n${z.prettifyError(error)}`, error);
  }
}

/** Parses `value` with `schema`, throwing a {@link ConfigError} that names `where` on failure. */
export function parseConfig<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw ConfigError.fromZod(where, result.error);
  return result.data;
}
