/**
 * Errors in OpenAI's JSON shape: `{ "error": { "message", "type", "param", "code" } }`, with the
 * HTTP status that goes with them, so OpenAI clients surface the message as they would OpenAI's.
 */
import type { ServerResponse } from 'node:http';

export type ApiErrorType = 'invalid_request_error' | 'not_found_error' | 'rate_limit_error' | 'server_error';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: ApiErrorType = 'invalid_request_error',
    readonly param: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** 400 for a bad request field. */
  static badRequest(message: string, param: string | null = null, code: string | null = null): ApiError {
    return new ApiError(400, message, 'invalid_request_error', param, code);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Sends `err` as OpenAI does; anything that is not an ApiError is a 500 with its message. */
export function sendError(res: ServerResponse, err: unknown): void {
  const e = err instanceof ApiError ? err : new ApiError(500, err instanceof Error ? err.message : String(err), 'server_error');
  sendJson(res, e.status, { error: { message: e.message, type: e.type, param: e.param, code: e.code } });
}
