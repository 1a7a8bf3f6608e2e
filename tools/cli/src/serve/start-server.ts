/**
 * `startServer`: an OpenAI-compatible HTTP server (node:http) over a local model — the engine
 * behind `prefstream serve` (DESIGN §6), so the generate and score stages, or any OpenAI client,
 * can reach a checkpoint trained here the way they reach vLLM.
 *
 * Routes: `GET /v1/models`, `POST /v1/completions`, `POST /v1/chat/completions`. Errors are JSON in
 * OpenAI's shape with their HTTP status (400 bad request, 404 unknown route, 405 wrong method,
 * 413 body too large, 429 queue full, 500 model failure).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TextGenerator, Tokenizer } from '@prefstream/model';
import { ApiError, sendError, sendJson } from './api-error.js';
import { createChatCompletion } from './chat-completions.js';
import { createCompletion } from './completions.js';
import { GenerationQueue } from './generation-queue.js';
import { readJsonBody } from './read-json-body.js';
import { unixNow, type ServeState } from './serve-state.js';

export interface StartServerOptions {
  /** Anything that generates: a `CausalLM`, a worker pool, a fake in tests. */
  model: TextGenerator;
  tokenizer: Tokenizer;
  /** 0 picks a free port (tests). Default 8000, vLLM's. */
  port?: number;
  /** Default 127.0.0.1: not reachable from other machines unless asked. */
  host?: string;
  /** The model id in responses and `/v1/models`. Default "prefstream". */
  modelName?: string;
  /** Requests running or waiting at most; more get 429. Default 16. */
  maxQueue?: number;
  /** Largest max_tokens a request may ask for. Default 2048. */
  maxTokens?: number;
  /** Prompt + completion token limit of the model (GPT-2: n_positions). */
  contextLength?: number;
  /** Request body limit in bytes. Default 1 MiB. */
  maxBodyBytes?: number;
}

export interface RunningServer {
  /** `http://host:port` (the OpenAI base URL is this + `/v1`). */
  readonly url: string;
  /** Stops accepting, drops idle keep-alive connections, resolves when closed. */
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, state: ServeState, maxBodyBytes: number) => Promise<unknown>;

/** Method and path → handler; a new endpoint is a file and a line here. */
const ROUTES: ReadonlyMap<string, ReadonlyMap<string, Handler>> = new Map([
  ['/v1/models', new Map<string, Handler>([['GET', async (_req, s) => ({ object: 'list', data: [{ id: s.modelName, object: 'model', created: s.started, owned_by: 'prefstream' }] })]])],
  ['/v1/completions', new Map<string, Handler>([['POST', async (req, s, max) => createCompletion(await readJsonBody(req, max), s)]])],
  ['/v1/chat/completions', new Map<string, Handler>([['POST', async (req, s, max) => createChatCompletion(await readJsonBody(req, max), s)]])],
]);

async function handle(req: IncomingMessage, res: ServerResponse, state: ServeState, maxBodyBytes: number): Promise<void> {
  try {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '');
    const methods = ROUTES.get(path);
    if (!methods) throw new ApiError(404, `no route ${req.method} ${path}; routes: ${[...ROUTES.keys()].join(', ')}`, 'not_found_error');
    const handler = methods.get(req.method ?? '');
    if (!handler) {
      throw new ApiError(405, `${req.method} is not allowed on ${path}; use ${[...methods.keys()].join(', ')}`);
    }
    sendJson(res, 200, await handler(req, state, maxBodyBytes));
  } catch (err) {
    if (!res.headersSent) sendError(res, err);
    else res.destroy();
  }
}

/**
 * Starts the server and resolves once it listens.
 * @example
 * const server = await startServer({ model, tokenizer, port: 0 });
 * await fetch(`${server.url}/v1/completions`, { method: 'POST', body: JSON.stringify({ prompt: 'Hi', max_tokens: 8 }) });
 * await server.close();
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const state: ServeState = {
    generator: options.model,
    tokenizer: options.tokenizer,
    modelName: options.modelName ?? 'prefstream',
    limits: { maxTokens: options.maxTokens ?? 2048, contextLength: options.contextLength },
    queue: new GenerationQueue(options.maxQueue ?? 16),
    started: unixNow(),
  };
  const maxBodyBytes = options.maxBodyBytes ?? 1 << 20;
  const server = createServer((req, res) => void handle(req, res, state, maxBodyBytes));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8000, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
