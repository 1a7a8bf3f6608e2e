/** Reads a request body as JSON, with a size limit; malformed JSON is a 400 that says where. */
import type { IncomingMessage } from 'node:http';
import { ApiError } from './api-error.js';

export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new ApiError(413, `request body exceeds ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) throw ApiError.badRequest('request body is empty; expected a JSON object');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw ApiError.badRequest(`request body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}
