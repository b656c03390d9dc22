/**
 * The HTTP plumbing the provider channels share: one POST with a timeout, its reply parsed when
 * it is JSON, and the mapping of what went wrong to a SendResult (4xx other than 408/425/429:
 * permanent; 429, 5xx, timeouts, connection errors: retryable). Uses Node's global fetch.
 */
import { isRetryableStatus, redactSecrets, type SendResult } from '../channel.js';

export const DEFAULT_TIMEOUT_MS = 10_000;

export interface HttpReply {
  status: number;
  /** Parsed JSON, or undefined when the body is not JSON. */
  json: unknown;
  text: string;
}

export type HttpOutcome = { kind: 'reply'; reply: HttpReply } | { kind: 'network'; error: string };

/** POSTs and reads the whole reply; a timeout or connection failure is a `network` outcome, never a throw. */
export async function post(url: string, init: { headers: Record<string, string>; body: string | URLSearchParams }, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<HttpOutcome> {
  try {
    const res = await fetch(url, { method: 'POST', headers: init.headers, body: init.body, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { kind: 'reply', reply: { status: res.status, json, text } };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return { kind: 'network', error: `no answer within ${timeoutMs} ms` };
    // undici reports "fetch failed" and puts the reason (ECONNREFUSED, ENOTFOUND, ...) in `cause`.
    const cause = e.cause?.code ?? e.cause?.message;
    return { kind: 'network', error: cause ? `${e.message}: ${cause}` : e.message };
  }
}

/** A network outcome as a retryable failure, secrets removed. */
export function networkFailure(provider: string, error: string, secrets: ReadonlyArray<string | undefined>): SendResult {
  return { ok: false, retryable: true, error: redactSecrets(`${provider}: ${error}`, secrets) };
}

/** An HTTP error reply as a failure, retryable by its status, with the provider's own reason when it gave one. */
export function statusFailure(provider: string, status: number, reason: string | undefined, secrets: ReadonlyArray<string | undefined>): SendResult {
  const detail = reason?.trim() ? `: ${reason.trim().replace(/\s+/g, ' ')}` : '';
  return { ok: false, retryable: isRetryableStatus(status), error: redactSecrets(`${provider} HTTP ${status}${detail}`, secrets) };
}

/** Reads `obj.a.b…` when every step is an object; undefined otherwise. */
export function pick(obj: unknown, ...path: string[]): unknown {
  let cur = obj;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** `pick` that keeps only a string or a number (as a string). */
export function pickString(obj: unknown, ...path: string[]): string | undefined {
  const v = pick(obj, ...path);
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** `{apiUrl}/{path}` without doubled slashes. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
