/**
 * A worker loader for tests of the `workers` engine: the FakeGenerator in every thread. Checkpoint
 * "fail" makes loading fail; prompt "crash" ends the thread. While alive, each thread posts a
 * heartbeat on BroadcastChannel "fake-loader" so tests can see threads are gone after close.
 */
import { BroadcastChannel, threadId } from 'node:worker_threads';
import { FakeGenerator, fakeTokenizer } from './fake-generator.js';

export async function loadGenerator(dir: string) {
  if (dir === 'fail') throw new Error('no such checkpoint');
  const channel = new BroadcastChannel('fake-loader');
  setInterval(() => channel.postMessage(threadId), 20);
  const fake = new FakeGenerator();
  return {
    tokenizer: fakeTokenizer,
    generator: {
      generate: (prompts: readonly (readonly number[])[], options: Parameters<FakeGenerator['generate']>[1]) => {
        if (String.fromCharCode(...(prompts[0] ?? [])) === 'crash') process.exit(3);
        return fake.generate(prompts, options);
      },
    },
  };
}
