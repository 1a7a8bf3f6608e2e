/**
 * `prefstream serve`: exposes a local checkpoint as an OpenAI-compatible server (DESIGN §6, §9),
 * so the generate and score stages — or any OpenAI client — reach it as they would reach vLLM.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '@prefstream/core';
import { CausalLM, loadTokenizer } from '@prefstream/model';
import { startServer, type RunningServer } from '../serve/start-server.js';
import { UsageError, type Command } from './command.js';

const USAGE = `usage: prefstream serve --model <dir> [options]
       prefstream serve <dir> [options]

Serves a Hugging Face model directory (weights + tokenizer) over HTTP with OpenAI's API:
GET /v1/models, POST /v1/completions, POST /v1/chat/completions (needs a chat template).
Requests run one at a time; Ctrl-C stops the server.

  --model <dir>       Hugging Face model directory
  --port <n>          TCP port, 0 = any free port (default 8000)
  --host <addr>       address to listen on (default 127.0.0.1: this machine only)
  --name <id>         model id clients send and /v1/models lists (default: the directory name)
  --max-queue <n>     requests running or waiting at most; more get HTTP 429 (default 16)
  --max-tokens <n>    largest max_tokens a request may ask for (default 2048)`;

function parseFlags(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        model: { type: 'string' },
        port: { type: 'string', default: '8000' },
        host: { type: 'string', default: '127.0.0.1' },
        name: { type: 'string' },
        'max-queue': { type: 'string', default: '16' },
        'max-tokens': { type: 'string', default: '2048' },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function intFlag(name: string, value: string, min: number, max: number): number {
  const x = Number(value);
  if (value.trim() === '' || !Number.isInteger(x) || x < min || x > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${value}"`);
  return x;
}

export interface ServeSettings {
  dir: string;
  port: number;
  host: string;
  name: string;
  maxQueue: number;
  maxTokens: number;
}

/** The command line as settings; bad flags are a {@link UsageError}. */
export function serveSettings(argv: string[]): ServeSettings {
  const { values, positionals } = parseFlags(argv);
  if (positionals.length > 1) throw new UsageError(`expected one model directory, got ${positionals.length}: ${positionals.join(' ')}`);
  if (values.model && positionals.length) throw new UsageError('give the model directory once: --model <dir> or <dir>');
  const dir = values.model ?? positionals[0];
  if (!dir) throw new UsageError('missing --model <dir>');
  return {
    dir,
    port: intFlag('port', values.port, 0, 65535),
    host: values.host,
    name: values.name ?? path.basename(path.resolve(dir)),
    maxQueue: intFlag('max-queue', values['max-queue'], 1, 100_000),
    maxTokens: intFlag('max-tokens', values['max-tokens'], 1, 1_000_000),
  };
}

/** Loads the checkpoint and starts serving it; `close()` also frees the model. */
export async function serveModel(settings: ServeSettings): Promise<RunningServer> {
  await initBackend();
  const tokenizer = await loadTokenizer(settings.dir);
  const model = await CausalLM.load(settings.dir, { tokenizer });
  try {
    const server = await startServer({
      model,
      tokenizer,
      port: settings.port,
      host: settings.host,
      modelName: settings.name,
      maxQueue: settings.maxQueue,
      maxTokens: settings.maxTokens,
      contextLength: model.config.maxPositions,
    });
    return {
      url: server.url,
      close: async () => {
        await server.close();
        model.dispose();
      },
    };
  } catch (err) {
    model.dispose();
    throw err;
  }
}

export const serve: Command = {
  name: 'serve',
  summary: 'serve a model directory over an OpenAI-compatible HTTP API',
  usage: USAGE,
  async run(argv) {
    const settings = serveSettings(argv);
    const server = await serveModel(settings);
    console.log(`prefstream serve: model "${settings.name}" at ${server.url}/v1 (Ctrl-C to stop)`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await server.close();
    return 0;
  },
};
