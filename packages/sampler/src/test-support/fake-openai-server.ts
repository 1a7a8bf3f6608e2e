/**
 * A real HTTP server on 127.0.0.1 speaking the subset of OpenAI's `/v1/completions` the `openai`
 * engine uses. `behave` decides per request (by prompt and attempt number) to answer normally,
 * fail with a status, answer late or send a malformed body.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CompletionsBody {
  model: string;
  prompt: string | number[];
  n: number;
  temperature: number;
  top_p: number;
  max_tokens: number;
  logprobs: number;
  seed: number;
  stop?: string[];
  top_k?: number;
  return_tokens_as_token_ids?: boolean;
}

export type Behaviour = { status: number; body?: string; headers?: Record<string, string> } | { delayMs: number } | { malformed: string } | 'ok';

export interface FakeServer {
  readonly baseUrl: string;
  readonly requests: CompletionsBody[];
  /** Most requests in flight at once. */
  readonly maxInFlight: () => number;
  /** Requests whose client went away before the answer. */
  readonly aborted: () => number;
  close(): Promise<void>;
}

/** The normal answer: choice i is `<prompt>#i`, two tokens of log-prob −0.25 and −0.5. */
export function completionsAnswer(body: CompletionsBody): string {
  const prompt = typeof body.prompt === 'string' ? body.prompt : body.prompt.join(',');
  const choices = Array.from({ length: body.n }, (_, i) => ({
    index: body.n - 1 - i, // out of order on purpose: the engine sorts by index
    text: `${prompt}#${body.n - 1 - i}`,
    finish_reason: 'length',
    logprobs: { tokens: body.return_tokens_as_token_ids ? ['token_id:7', `token_id:${body.n - 1 - i}`] : ['x', 'y'], token_logprobs: [-0.25, -0.5] },
  }));
  return JSON.stringify({ id: 'cmpl-1', object: 'text_completion', model: body.model, choices });
}

export async function startFakeServer(behave: (body: CompletionsBody, attempt: number) => Behaviour = () => 'ok'): Promise<FakeServer> {
  const requests: CompletionsBody[] = [];
  const attempts = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;
  let aborted = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/completions') {
        res.writeHead(404).end('not found');
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as CompletionsBody;
      requests.push(body);
      const key = JSON.stringify(body.prompt);
      const attempt = attempts.get(key) ?? 0;
      attempts.set(key, attempt + 1);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      let done = false;
      const finish = (status: number, text: string, headers: Record<string, string> = {}) => {
        if (done) return;
        done = true;
        inFlight--;
        if (!res.destroyed) res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(text);
      };
      res.on('close', () => {
        if (!done) {
          done = true;
          inFlight--;
          aborted++;
        }
      });
      const b = behave(body, attempt);
      // A small delay on every answer so concurrent requests overlap.
      if (b === 'ok') setTimeout(() => finish(200, completionsAnswer(body)), 20);
      else if ('status' in b) finish(b.status, b.body ?? `{"error":{"message":"injected ${b.status}"}}`, b.headers);
      else if ('delayMs' in b) setTimeout(() => finish(200, completionsAnswer(body)), b.delayMs);
      else finish(200, b.malformed);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    maxInFlight: () => maxInFlight,
    aborted: () => aborted,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
