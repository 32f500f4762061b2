import { exports } from 'cloudflare:workers';
import { expect } from 'vitest';

// requests to the whole worker (its default export, run inside workerd) and the checks every answer shares.

export const ORIGIN = 'https://mnist.test';

export function call(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(ORIGIN + path, init));
}

export function postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return call(path, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

export function postBytes(path: string, bytes: Uint8Array, contentType: string | null): Promise<Response> {
  const headers: Record<string, string> = contentType === null ? {} : { 'Content-Type': contentType };
  return call(path, { method: 'POST', headers, body: bytes });
}

/** the one error shape, with the status, code and headers every error must carry */
export async function expectError(res: Response, status: number, code: string): Promise<string> {
  const text = await res.text();
  expect({ status: res.status, text }).toMatchObject({ status });
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.headers.get('access-control-allow-origin')).toBe('*');
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  const body = JSON.parse(text);
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message']);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(10);
  expect(text).not.toMatch(/\bat .*\.(ts|js):\d+/); // no stack traces
  return body.error.message as string;
}
