/**
 * An error raised while a stage processes a batch. It names the stage and the batch so a user can
 * find the failing input; the original error is kept as `cause`.
 */
export class StageError extends Error {
  readonly stage: string;
  readonly batchIndex: number | undefined;

  constructor(args: { stage: string; batchIndex?: number; message?: string; cause?: unknown }) {
    const where = args.batchIndex === undefined ? `stage ${args.stage}` : `stage ${args.stage}, batch ${args.batchIndex}`;
    const why = args.message ?? (args.cause instanceof Error ? args.cause.message : String(args.cause));
    super(`${where}: ${why}`, { cause: args.cause });
    this.name = 'StageError';
    this.stage = args.stage;
    this.batchIndex = args.batchIndex;
  }
}
