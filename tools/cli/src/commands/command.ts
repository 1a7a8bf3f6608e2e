/** A `prefstream` subcommand: one file per command, registered in `registry.ts`. */
export interface Command {
  readonly name: string;
  /** One line for `prefstream --help`. */
  readonly summary: string;
  /** Full usage text for `prefstream <name> --help`. */
  readonly usage: string;
  /** Runs the command; resolves to the process exit code. */
  run(argv: string[]): Promise<number>;
}

/** A user mistake on the command line: printed without a stack trace, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
