/**
 * Streaming benchmark: memory of reading a dataset must not depend on its size (DESIGN §4).
 *
 * Generates preference rows (prompt, chosen, rejected; ~200 bytes per row) as JSONL, Parquet and
 * Arrow IPC in a temp dir — batch by batch, never the whole dataset in memory — then reads each
 * file through a no-op stage and through a slow stage (sleep per batch) behind `fromSource`, each
 * run in its own child process; its peak RSS is its VmHWM (see `ownPeakRssMB`), maxRSS is kept too.
 *
 *   npx tsx --conditions=@prefstream/source tools/bench/src/streaming.ts [--quick]
 *
 * Writes tools/bench/results/streaming.json (or streaming.quick.json with --quick).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { concatMap, lastValueFrom, map, reduce, timer, type OperatorFunction } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import { createRng, fromSource, makeBatch, readDataset, utf8Vector, writeArrowIpc, writeJsonl, writeParquet } from '@prefstream/core/data';

const BATCH_ROWS = 4096;
/**
 * Each file is read twice per stage: with V8's default heap sizing, and with the old space capped
 * at 256 MB. The cap shows the live set is bounded (a leak would crash, not just grow); the
 * default shows what a user gets, GC laziness included, on a loaded machine.
 */
const HEAPS: Record<string, string[]> = { default: [], cap256: ['--max-old-space-size=256'] };
const SLOW_MS_PER_BATCH = 1;
const FORMATS = { jsonl: '.jsonl', parquet: '.parquet', arrow: '.arrow' } as const;
type Format = keyof typeof FORMATS;
const STAGES: Record<string, () => OperatorFunction<RecordBatch, RecordBatch>> = {
  noop: () => map((batch) => batch),
  slow: () => concatMap((batch) => timer(SLOW_MS_PER_BATCH).pipe(map(() => batch))),
};

interface Run {
  format: Format;
  rows: number;
  stage: string;
  heap: string;
  seconds: number;
  rowsPerSecond: number;
  /** VmHWM of the reading process: its own high-water mark, from /proc/self/status. */
  peakRssMB: number;
  /** process.resourceUsage().maxRSS: on Linux it also counts the parent's RSS at fork. */
  maxRssMB: number;
}

/**
 * Linux keeps the parent's RSS in a child's `ru_maxrss` across fork + exec, so right after the
 * parent generated 5M rows every child "peaked" at the parent's ~1 GB. VmHWM belongs to the
 * child's own address space.
 */
function ownPeakRssMB(): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]) / 1024;
  } catch {
    // not Linux: fall back to maxRSS below
  }
  return process.resourceUsage().maxRSS / 1024;
}

const WORDS = 'the a policy reward model prompt answer token stream batch arrow gradient sample prefer chosen rejected loss value'.split(' ');

/** One batch of synthetic pairs: prompt ~80, chosen ~60, rejected ~60 characters. */
function pairBatch(rng: ReturnType<typeof createRng>, rows: number): RecordBatch {
  const text = (chars: number) => {
    let s = '';
    while (s.length < chars) s += `${WORDS[rng.int(WORDS.length)]} `;
    return s.slice(0, chars);
  };
  const prompt: string[] = [];
  const chosen: string[] = [];
  const rejected: string[] = [];
  for (let i = 0; i < rows; i++) {
    prompt.push(text(80));
    chosen.push(text(60));
    rejected.push(text(60));
  }
  return makeBatch({ prompt: utf8Vector(prompt), chosen: utf8Vector(chosen), rejected: utf8Vector(rejected) });
}

async function* pairs(total: number): AsyncGenerator<RecordBatch> {
  const rng = createRng(1234);
  for (let done = 0; done < total; done += 8192) yield pairBatch(rng, Math.min(8192, total - done));
}

async function generate(dir: string, rows: number): Promise<Record<Format, string>> {
  const path = (format: Format) => join(dir, `pairs-${rows}${FORMATS[format]}`);
  await writeJsonl(path('jsonl'), pairs(rows));
  await writeParquet(path('parquet'), pairs(rows), { rowGroupRows: 32_768, statistics: false });
  await writeArrowIpc(path('arrow'), pairs(rows));
  return { jsonl: path('jsonl'), parquet: path('parquet'), arrow: path('arrow') };
}

/** Child process: read one file through one stage, print rows, seconds and peak RSS. */
async function child(path: string, stage: string): Promise<void> {
  const start = performance.now();
  const source = fromSource(readDataset(path, { batchRows: BATCH_ROWS, columns: ['prompt', 'chosen', 'rejected'] }), { maxInFlight: 2 });
  const rows = await lastValueFrom(
    source.pipe(
      STAGES[stage]!(),
      source.acknowledge(),
      reduce((n, batch) => n + batch.numRows, 0),
    ),
  );
  const seconds = (performance.now() - start) / 1000;
  // maxRSS is in kilobytes.
  process.stdout.write(`${JSON.stringify({ rows, seconds, peakRssMB: ownPeakRssMB(), maxRssMB: process.resourceUsage().maxRSS / 1024 })}\n`);
}

function measure(path: string, stage: string, heap: string): { rows: number; seconds: number; peakRssMB: number; maxRssMB: number } {
  const script = fileURLToPath(import.meta.url);
  const result = spawnSync(process.execPath, [...HEAPS[heap]!, ...process.execArgv, script, '--child', path, stage], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (result.status !== 0) throw new Error(`child failed for ${path} ${stage}: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1]!, args[2]!);
  const quick = args.includes('--quick');
  const sizes = quick ? [20_000] : [1_000_000, 5_000_000];
  const dir = await mkdtemp(join(tmpdir(), 'prefstream-bench-streaming-'));
  const runs: Run[] = [];
  const fileMB: Record<string, number> = {};
  try {
    for (const rows of sizes) {
      const t0 = performance.now();
      const files = await generate(dir, rows);
      console.error(`generated ${rows} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      for (const format of Object.keys(FORMATS) as Format[]) {
        fileMB[`${format}-${rows}`] = (await stat(files[format])).size / 2 ** 20;
        for (const stage of Object.keys(STAGES)) {
          for (const heap of quick ? ['default'] : Object.keys(HEAPS)) {
            const m = measure(files[format], stage, heap);
            if (m.rows !== rows) throw new Error(`${format} ${stage}: read ${m.rows} rows, wrote ${rows}`);
            const run = { format, rows, stage, heap, seconds: m.seconds, rowsPerSecond: Math.round(rows / m.seconds), peakRssMB: Math.round(m.peakRssMB), maxRssMB: Math.round(m.maxRssMB) };
            runs.push(run);
            console.error(JSON.stringify(run));
          }
        }
      }
      // Free the disk before the next size.
      for (const path of Object.values(files)) await rm(path, { force: true });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const checks = quick ? {} : rssChecks(runs, sizes);
  const result = {
    benchmark: 'streaming',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, shared: 'yes: other jobs were using the CPUs during the run' },
    settings: { heaps: HEAPS, batchRows: BATCH_ROWS, maxInFlight: 2, slowMsPerBatch: SLOW_MS_PER_BATCH, parquetRowGroupRows: 32_768, bytesPerRow: 200 },
    fileMB,
    runs,
    checks,
  };
  const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'results', quick ? 'streaming.quick.json' : 'streaming.json');
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(markdown(runs));
}

/** Targets: peak RSS at 5M rows within 1.2× of 1M, and under 400 MB. */
function rssChecks(runs: Run[], sizes: number[]): Record<string, { ratio: number; maxMB: number; pass: boolean }> {
  const [small, large] = [sizes[0]!, sizes.at(-1)!];
  const checks: Record<string, { ratio: number; maxMB: number; pass: boolean }> = {};
  for (const run of runs.filter((r) => r.rows === large)) {
    const base = runs.find((r) => r.rows === small && r.format === run.format && r.stage === run.stage && r.heap === run.heap)!;
    const ratio = Number((run.peakRssMB / base.peakRssMB).toFixed(3));
    const maxMB = Math.max(run.peakRssMB, base.peakRssMB);
    checks[`${run.format}/${run.stage}/${run.heap}`] = { ratio, maxMB, pass: ratio <= 1.2 && maxMB < 400 };
  }
  return checks;
}

function markdown(runs: Run[]): string {
  const lines = ['| format | rows | stage | V8 heap | rows/s | peak RSS, VmHWM (MB) | maxRSS (MB) | seconds |', '|---|---:|---|---|---:|---:|---:|---:|'];
  for (const r of runs) {
    lines.push(`| ${r.format} | ${r.rows.toLocaleString('en-US')} | ${r.stage} | ${r.heap} | ${r.rowsPerSecond.toLocaleString('en-US')} | ${r.peakRssMB} | ${r.maxRssMB} | ${r.seconds.toFixed(1)} |`);
  }
  return lines.join('\n');
}

await main();
