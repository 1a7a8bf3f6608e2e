/**
 * A run in a child process for the resume test: `node --import tsx --conditions=@prefstream/source
 * run-child.ts <config.json> <hangAtStep>`. At update `hangAtStep` (before its checkpoint) it
 * prints `HANG <step>` and waits forever, so the parent can SIGKILL it mid-run.
 */
import { readFile } from 'node:fs/promises';
import { initBackend } from '@prefstream/core';
import { runPipeline } from '../run-pipeline.js';

const [configFile, hangAt] = process.argv.slice(2);
await initBackend({ prefer: 'wasm', log: () => {} });
const config = JSON.parse(await readFile(configFile!, 'utf8')) as Parameters<typeof runPipeline>[0];
await runPipeline(
  { ...config, evaluation: { every: 1 } },
  {
    evaluate: async ({ step }) => {
      if (step === Number(hangAt)) {
        process.stdout.write(`HANG ${step}\n`);
        await new Promise(() => undefined);
      }
      return {};
    },
  },
);
process.stdout.write('DONE\n');
