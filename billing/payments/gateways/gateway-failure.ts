/**
 * What every PaymentGateway shares when a call to the provider fails: the error it throws, with
 * the provider's words but never its keys. A new gateway (Tripay, Duitku) builds its failures
 * here too.
 */
import { AppError } from '../../../lib/errors.js';
import type { Provider } from './payment-gateway.js';

export type Json = Record<string, unknown>;
export const isJson = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A notification's raw body as a JSON object, or null when it is not valid JSON or not an object. */
export function parseJsonObject(rawBody: Buffer): Json | null {
  try {
    const body: unknown = JSON.parse(rawBody.toString('utf8'));
    return isJson(body) ? body : null;
  } catch {
    return null;
  }
}

/**
 * A function that blanks every secret in a text: the API key, its HTTP Basic form
 * (`base64(key + ':')`, as Midtrans and Xendit authenticate) and any `extra` (a callback token).
 */
export function secretRedactor(apiKey: string, ...extra: Array<string | undefined>): (text: string) => string {
  const secrets = [apiKey, Buffer.from(`${apiKey}:`).toString('base64'), ...extra].filter((s): s is string => Boolean(s));
  return (text) => {
    let out = text;
    for (const secret of secrets) out = out.split(secret).join('[redacted]');
    return out;
  };
}

/**
 * The AppError (502) for a failed provider call: `payment_gateway_refused` when the provider
 * answered 4xx (`refused`), else `payment_gateway_unavailable`; message `<provider> <op>: <detail>`
 * with every secret blanked.
 */
export function gatewayFailure(provider: Provider, op: string, detail: string, refused: boolean, redact: (text: string) => string): AppError {
  return new AppError(refused ? 'payment_gateway_refused' : 'payment_gateway_unavailable', redact(`${provider} ${op}: ${detail}`), 502);
}
