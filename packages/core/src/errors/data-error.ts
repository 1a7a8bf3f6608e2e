/**
 * Bad input data: names the file and, where known, the line/row and the field, so the user can
 * open the file at the right place.
 */
export class DataError extends Error {
  readonly file: string | undefined;
  readonly row: number | undefined;
  readonly field: string | undefined;

  constructor(args: { file?: string; row?: number; field?: string; message: string; cause?: unknown }) {
    const parts = [args.file, args.row === undefined ? undefined : `row ${args.row}`, args.field && `field "${args.field}"`]
      .filter((p): p is string => Boolean(p));
    super(parts.length ? `${parts.join(', ')}: ${args.message}` : args.message, { cause: args.cause });
    this.name = 'DataError';
    this.file = args.file;
    this.row = args.row;
    this.field = args.field;
  }
}
