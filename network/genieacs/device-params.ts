/**
 * Reading a GenieACS device document (GenieACS "API Reference": each parameter is an object whose
 * `_value` holds the value, beside `_type` and `_timestamp`; objects nest by the dotted path;
 * multi-instance objects have numeric keys). Paths may carry `*` (the first instance, in numeric
 * order, that has the rest of the path) and `{i}` (a given instance; see `instancesOf`).
 */
import type { NbiDevice } from './nbi-client.js';

/** The node at `path` (dotted, with `*`), or undefined; `resolved` is the path with `*` replaced. */
export function findParam(device: unknown, path: string): { node: unknown; resolved: string } | undefined {
  const parts = path.split('.').filter(Boolean);
  const walk = (node: unknown, i: number, done: string[]): { node: unknown; resolved: string } | undefined => {
    if (i === parts.length) return node === undefined ? undefined : { node, resolved: done.join('.') };
    if (!node || typeof node !== 'object') return undefined;
    const obj = node as Record<string, unknown>;
    const part = parts[i]!;
    if (part === '*') {
      const keys = Object.keys(obj).filter((k) => /^\d+$/.test(k)).sort((a, b) => Number(a) - Number(b));
      for (const k of keys) {
        const found = walk(obj[k], i + 1, [...done, k]);
        if (found) return found;
      }
      return undefined;
    }
    return walk(obj[part], i + 1, [...done, part]);
  };
  return walk(device, 0, []);
}

/** The `_value` at `path`, or undefined (no such parameter, or an object). */
export function paramValue(device: unknown, path: string): string | number | boolean | undefined {
  if (!path) return undefined;
  const found = findParam(device, path);
  const node = found?.node as Record<string, unknown> | undefined;
  if (!node || typeof node !== 'object' || !('_value' in node)) return undefined;
  const v = node._value;
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : undefined;
}

/** The instance numbers that `pattern` (a path with `{i}`) has a value for, ascending. */
export function instancesOf(device: unknown, pattern: string): number[] {
  const at = pattern.indexOf('{i}');
  if (at < 0) return [];
  const parentPath = pattern.slice(0, at).replace(/\.$/, '');
  const parent = findParam(device, parentPath)?.node;
  if (!parent || typeof parent !== 'object') return [];
  return Object.keys(parent as object).filter((k) => /^\d+$/.test(k)).map(Number)
    .filter((n) => paramValue(device, pattern.replace('{i}', String(n))) !== undefined)
    .sort((a, b) => a - b);
}

/** Which data model the device speaks: TR-098 (`InternetGatewayDevice`) or TR-181 (`Device`). */
export function dataModelOf(device: NbiDevice): 'igd' | 'tr181' {
  return device.InternetGatewayDevice ? 'igd' : 'tr181';
}

/** `_deviceId` fields (GenieACS: from the Inform's DeviceId, TR-069 Amendment 6 §3.7.1.1). */
export function deviceIdentity(device: NbiDevice): { oui: string; productClass: string; serial: string; manufacturer: string } {
  const d = (device._deviceId ?? {}) as Record<string, unknown>;
  const s = (k: string): string => (typeof d[k] === 'string' ? (d[k] as string) : '');
  return { oui: s('_OUI'), productClass: s('_ProductClass'), serial: s('_SerialNumber'), manufacturer: s('_Manufacturer') };
}
