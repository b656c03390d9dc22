/**
 * The slice of the official `midtrans-client` SDK (CommonJS, no type declarations) the Midtrans
 * gateway uses, pointing its clients at another base URL, and turning its errors into AppErrors.
 *
 * Secrets: the SDK's own errors carry the axios request (with the Basic auth of the server key) in
 * `rawHttpClientData`, so they are never rethrown or attached as `cause`: every failure becomes a
 * fresh AppError with a redacted message (gateway-failure.ts).
 */
import { createRequire } from 'node:module';
import type { AppError } from '../../../lib/errors.js';
import { gatewayFailure, isJson } from './gateway-failure.js';
import { clip } from './midtrans-snap.js';

interface SdkRequestConfig {
  url?: string;
}
interface SdkHttpClient {
  /** The SDK's axios instance; its README ("Custom Http Client Config") documents `defaults` and interceptors. */
  http_client: {
    defaults: { timeout?: number };
    interceptors: { request: { use(onFulfilled: (config: SdkRequestConfig) => SdkRequestConfig): number } };
  };
}
export interface SdkOptions {
  isProduction: boolean;
  serverKey: string;
  clientKey: string;
}
export interface SnapClient {
  httpClient: SdkHttpClient;
  createTransaction(parameter: object): Promise<unknown>;
}
export interface CoreApiClient {
  httpClient: SdkHttpClient;
  transaction: { status(orderId: string): Promise<unknown> };
}
interface SdkError extends Error {
  /** HTTP status, or the body's `status_code` (a string) when Midtrans answered 200 with an error body. */
  httpStatusCode: number | string | null;
  ApiResponse: unknown;
  /** The axios response or error: holds the request's auth. Never log or rethrow. */
  rawHttpClientData: unknown;
}
interface MidtransSdk {
  Snap: new (o: SdkOptions) => SnapClient;
  CoreApi: new (o: SdkOptions) => CoreApiClient;
  MidtransError: abstract new (...args: never[]) => SdkError;
}
// createRequire rather than `import`: the package ships no declarations, and this keeps the
// typed view above without an ambient module declaration.
export const sdk = createRequire(import.meta.url)('midtrans-client') as MidtransSdk;

/** Points an SDK client at `base` by rewriting each request URL's origin (keeps the SDK's path); sets its timeout (ms). */
export function pointAt(http: SdkHttpClient, base: string | undefined, timeoutMs: number): void {
  http.http_client.defaults.timeout = timeoutMs;
  if (!base) return;
  // The SDK builds absolute URLs from hard-coded hosts (ApiConfig statics); an axios request
  // interceptor is the hook its README documents for per-instance changes, and unlike patching
  // ApiConfig it touches no other client in the process.
  http.http_client.interceptors.request.use((config) => {
    if (config.url) {
      const u = new URL(config.url);
      config.url = base + u.pathname + u.search;
    }
    return config;
  });
}

/**
 * A fresh error from an SDK failure: status and Midtrans' message, never the SDK object.
 * `redact` removes the server key (secretRedactor). 4xx → `payment_gateway_refused`, else
 * `payment_gateway_unavailable` (gateway-failure.ts).
 */
export function sdkFailure(op: string, err: unknown, redact: (s: string) => string): AppError {
  let detail: string;
  let refused = false;
  if (err instanceof sdk.MidtransError && err.httpStatusCode !== null) {
    const status = Number(err.httpStatusCode);
    const body = err.ApiResponse;
    const said = isJson(body)
      ? Array.isArray(body.error_messages)
        ? body.error_messages.join('; ')
        : String(body.status_message ?? '')
      : '';
    detail = `HTTP ${status}${said ? `: ${clip(said, 300)}` : ''}`;
    refused = status >= 400 && status < 500;
  } else if (err instanceof sdk.MidtransError) {
    // No HTTP response: the SDK keeps the axios error (with the request config) in rawHttpClientData.
    const raw = err.rawHttpClientData as { code?: unknown; message?: unknown } | null;
    const code = typeof raw?.code === 'string' ? raw.code : '';
    const msg = typeof raw?.message === 'string' ? raw.message : 'connection failure';
    detail = `no response (${code ? `${code}: ` : ''}${msg})`;
  } else {
    detail = err instanceof Error ? err.message : String(err);
  }
  return gatewayFailure('midtrans', op, detail, refused, redact);
}
