import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Rng } from '../rng/rng.js';
import { HttpRequestError, postWithRetry } from './post-with-retry.js';

const policy = { timeoutMs: 2_000, maxRetries: 2, backoffMs: 1, maxBackoffMs: 5 };
let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A loopback server answering the i-th request with statuses[i] (the last one repeats). */
async function serve(statuses: number[]): Promise<{ url: string; bodies: string[] }> {
  const bodies: string[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      bodies.push(body);
      const status = statuses[Math.min(bodies.length - 1, statuses.length - 1)]!;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ status }));
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/v1/x`, bodies };
}

describe('postWithRetry', () => {
  it('retries 429 and 5xx, then returns the 2xx body', async () => {
    const { url, bodies } = await serve([500, 429, 200]);
    const retries: string[] = [];
    const text = await postWithRetry(url, { a: 1 }, {}, policy, new Rng(1), new AbortController().signal, (r) => retries.push(r));
    expect(JSON.parse(text)).toEqual({ status: 200 });
    expect(bodies).toEqual(['{"a":1}', '{"a":1}', '{"a":1}']);
    expect(retries).toEqual([expect.stringMatching(/status 500/), expect.stringMatching(/status 429/)]);
  });

  it('fails at once on a client error, with the status and body', async () => {
    const { url, bodies } = await serve([400]);
    const error = await postWithRetry(url, {}, {}, policy, new Rng(1), new AbortController().signal, () => {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpRequestError);
    expect((error as HttpRequestError).status).toBe(400);
    expect((error as HttpRequestError).message).toMatch(/failed with status 400: \{"status":400\}/);
    expect(bodies).toHaveLength(1);
  });

  it('gives up after maxRetries, naming the attempts and the last failure', async () => {
    const { url } = await serve([503]);
    await expect(postWithRetry(url, {}, {}, policy, new Rng(1), new AbortController().signal, () => {})).rejects.toThrow(
      /failed after 3 attempt\(s\); last status 503/,
    );
    await expect(postWithRetry(url, {}, {}, { ...policy, maxRetries: 0 }, new Rng(1), new AbortController().signal, () => {})).rejects.toThrow(
      new RegExp(`^POST ${url.replace(/[.:/]/g, '\\$&')}: status 503`),
    );
  });
});
