/**
 * Writes the mixed-quality SFT data of the demo as `data/sft.jsonl` beside this file: with the
 * settings of `sft-data.json` (6,000 distinct training problems of the addition task, each answered
 * by the expert source with probability 0.4, else by the sub-optimal one: dropped carry, swapped
 * digits, off by one). Deterministic; `prefstream demo` regenerates the same rows for C-RLFT.
 *
 *   npx tsx --conditions=@prefstream/source examples/demo/make-sft-data.ts
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { additionMixedRows } from '@prefstream/eval';

const here = fileURLToPath(new URL('./', import.meta.url));
const settings = JSON.parse(readFileSync(`${here}sft-data.json`, 'utf8')) as { count: number; seed: number; expertFraction: number };
const rows = additionMixedRows(settings);
const dir = `${here}data/`;
mkdirSync(dir, { recursive: true });
writeFileSync(`${dir}sft.jsonl`, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
const expert = rows.filter((r) => r.source === 'expert').length;
console.log(`wrote ${rows.length} rows (${expert} expert, ${rows.length - expert} sub-optimal) to ${dir}sft.jsonl`);
