/**
 * Entry of a generation thread (`workers` engine): load the checkpoint once with the loader
 * module, say `ready`, then answer `generate` messages one at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { GenerateRequest, LoadedGenerator, WorkerInit, WorkerMessage } from './worker-protocol.js';

const port = parentPort!;
const init = workerData as WorkerInit;
const send = (message: WorkerMessage) => port.postMessage(message);

async function main(): Promise<void> {
  let loaded: LoadedGenerator;
  try {
    const loader = (await import(init.loader)) as { loadGenerator?: (dir: string, options: { backend?: string }) => Promise<LoadedGenerator> };
    if (typeof loader.loadGenerator !== 'function') throw new Error(`loader ${init.loader} does not export loadGenerator(dir, options)`);
    loaded = await loader.loadGenerator(init.checkpoint, init.backend ? { backend: init.backend } : {});
  } catch (error) {
    send({ type: 'fatal', message: `loading checkpoint ${init.checkpoint}: ${error instanceof Error ? error.message : String(error)}` });
    return;
  }
  port.on('message', (request: GenerateRequest) => {
    void (async () => {
      try {
        let ids = request.promptIds;
        if (!ids) {
          if (!loaded.tokenizer || request.prompt === undefined) throw new Error(`prompt "${request.promptId}" has no prompt_ids and the checkpoint has no tokenizer`);
          ids = loaded.tokenizer.encode(request.prompt);
        }
        const generations = await loaded.generator.generate([ids], request.options);
        send({ type: 'result', id: request.id, generations });
      } catch (error) {
        send({ type: 'failed', id: request.id, message: error instanceof Error ? error.message : String(error) });
      }
    })();
  });
  send({ type: 'ready', backend: loaded.backend });
}

void main();
