import type { RecordBatch } from 'apache-arrow';

/** Drains a batch source into an array (tests only: a training stream is never collected). */
export async function collect(source: AsyncIterable<RecordBatch>): Promise<RecordBatch[]> {
  const out: RecordBatch[] = [];
  for await (const b of source) out.push(b);
  return out;
}
