/**
 * The device form: what staff may type, checked before save-device.ts checks what needs the
 * database (the parent, its ports, a loop, the NAS link, a taken address). Messages are locale
 * keys shown beside the field (views/locales/admin/devices).
 *
 * - kind: router, olt, odc, odp, switch, access_point, server, cpe, other. ODCs and ODPs are
 *   passive (a splitter box has no address): they are never probed, and their address is optional.
 * - address: one host address, IPv4 or IPv6; required when the device is probed (ping or SNMP).
 * - location: "lat, lng" as pasted (coordinates.ts `parseLatLng`).
 * - SNMP: none, v1 / v2c with a community, or v3 (RFC 3414 USM) with a user and optional
 *   authentication and privacy; the community and keys are sealed by the use case and never
 *   shown back: a blank field keeps the stored one (snmp-credentials.ts).
 */
import net from 'node:net';
import { z } from 'zod';
import { fieldErrors } from '../../lib/field-errors.js';
import { parseLatLng } from './coordinates.js';
import { SNMP_AUTH_PROTOCOLS, SNMP_PRIV_PROTOCOLS } from './snmp-credentials.js';

export const DEVICE_KINDS = ['router', 'olt', 'odc', 'odp', 'switch', 'access_point', 'server', 'cpe', 'other'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/** Passive kinds: splitter boxes, nothing to ping. */
export const PASSIVE_KINDS: ReadonlySet<DeviceKind> = new Set<DeviceKind>(['odc', 'odp']);

export const DEVICE_FIELDS = [
  'kind', 'name', 'address', 'nas_id', 'parent_id', 'parent_port', 'port_count', 'location', 'probe_ping', 'probe_snmp',
  'snmp_version', 'snmp_port', 'snmp_community', 'snmp_v3_user', 'snmp_v3_auth_protocol', 'snmp_v3_auth_key', 'snmp_v3_priv_protocol', 'snmp_v3_priv_key',
  'note',
] as const;
export type DeviceFormValues = Record<(typeof DEVICE_FIELDS)[number], string>;

export const EMPTY_DEVICE: DeviceFormValues = {
  kind: 'odp', name: '', address: '', nas_id: '', parent_id: '', parent_port: '', port_count: '', location: '', probe_ping: '1', probe_snmp: '',
  snmp_version: '', snmp_port: '161', snmp_community: '', snmp_v3_user: '', snmp_v3_auth_protocol: '', snmp_v3_auth_key: '', snmp_v3_priv_protocol: '',
  snmp_v3_priv_key: '', note: '',
};

/** The fields that hold secrets: never shown back, never kept on the form after an error. */
export const SECRET_FIELDS = ['snmp_community', 'snmp_v3_auth_key', 'snmp_v3_priv_key'] as const;

const nullIfEmpty = (v: string): string | null => (v === '' ? null : v);
const checkbox = z.string().transform((v) => v === '1' || v === 'on');
const optionalId = z.string().trim().refine((v) => v === '' || /^\d{1,15}$/.test(v), 'error.invalid').transform((v) => (v === '' ? null : Number(v)));
const optionalPort = z.string().trim().refine((v) => v === '' || (/^\d{1,4}$/.test(v) && Number(v) >= 1 && Number(v) <= 4096), 'devices.error.port_number')
  .transform((v) => (v === '' ? null : Number(v)));
const secret = z.string().max(128, 'error.too_long').transform(nullIfEmpty);

export const deviceForm = z.object({
  kind: z.enum(DEVICE_KINDS, { message: 'error.invalid' }),
  name: z.string().trim().min(1, 'error.required').max(100, 'error.too_long'),
  address: z.string().trim().refine((v) => v === '' || net.isIP(v) !== 0, 'devices.error.address').transform(nullIfEmpty),
  nas_id: optionalId,
  parent_id: optionalId,
  parent_port: optionalPort,
  port_count: optionalPort,
  location: z.string().max(100, 'error.too_long').transform((v, ctx) => {
    const parsed = parseLatLng(v);
    if (parsed.ok) return parsed.value;
    ctx.addIssue({ code: 'custom', message: `devices.error.location_${parsed.error}` });
    return z.NEVER;
  }),
  probe_ping: checkbox,
  probe_snmp: checkbox,
  snmp_version: z.enum(['', '1', '2c', '3'], { message: 'error.invalid' }).transform((v) => (v === '' ? null : v)),
  snmp_port: z.string().trim().refine((v) => /^\d{1,5}$/.test(v) && Number(v) >= 1 && Number(v) <= 65535, 'devices.error.snmp_port').transform(Number),
  snmp_community: secret,
  snmp_v3_user: z.string().trim().max(64, 'error.too_long').transform(nullIfEmpty),
  snmp_v3_auth_protocol: z.enum(['', ...SNMP_AUTH_PROTOCOLS], { message: 'error.invalid' }).transform((v) => (v === '' ? null : v)),
  snmp_v3_auth_key: secret,
  snmp_v3_priv_protocol: z.enum(['', ...SNMP_PRIV_PROTOCOLS], { message: 'error.invalid' }).transform((v) => (v === '' ? null : v)),
  snmp_v3_priv_key: secret,
  note: z.string().trim().max(2000, 'error.too_long').transform(nullIfEmpty),
}).transform((v) => {
  // A splitter box is never probed.
  const passive = PASSIVE_KINDS.has(v.kind);
  return { ...v, probe_ping: passive ? false : v.probe_ping, probe_snmp: passive ? false : v.probe_snmp };
}).superRefine((v, ctx) => {
  const issue = (field: string, message: string): void => ctx.addIssue({ code: 'custom', path: [field], message });
  if ((v.probe_ping || v.probe_snmp) && v.address === null) issue('address', 'devices.error.address_needed');
  if (v.parent_port !== null && v.parent_id === null) issue('parent_port', 'devices.error.port_without_parent');
  if (v.nas_id !== null && v.kind !== 'router') issue('nas_id', 'devices.error.nas_router_only');
  if (v.probe_snmp && v.snmp_version === null) issue('snmp_version', 'devices.error.snmp_version_needed');
  if (v.snmp_version === '3') {
    if (v.snmp_v3_user === null) issue('snmp_v3_user', 'error.required');
    if (v.snmp_v3_priv_protocol !== null && v.snmp_v3_auth_protocol === null) issue('snmp_v3_priv_protocol', 'devices.error.priv_needs_auth');
  }
  // RFC 3414 §11.2: a USM password shorter than 8 characters is refused.
  for (const key of ['snmp_v3_auth_key', 'snmp_v3_priv_key'] as const) if (v[key] !== null && v[key].length < 8) issue(key, 'devices.error.snmp_key_short');
});
export type DeviceForm = z.output<typeof deviceForm>;

/** The form's text values from a request body (absent fields, unticked boxes: empty). */
export function deviceFormInput(body: Record<string, unknown>): DeviceFormValues {
  return Object.fromEntries(DEVICE_FIELDS.map((k) => [k, String(body[k] ?? '').slice(0, k === 'note' ? 2000 : 200)])) as DeviceFormValues;
}

/** Values the form keeps after an error: everything typed but the secrets. */
export function keptDeviceValues(values: DeviceFormValues): DeviceFormValues {
  return { ...values, ...Object.fromEntries(SECRET_FIELDS.map((k) => [k, ''])) };
}

/** Zod issues as `{ field: locale key }`, the first issue of each field. */
export function parseDeviceForm(input: DeviceFormValues): { ok: true; data: DeviceForm } | { ok: false; errors: Record<string, string> } {
  const parsed = deviceForm.safeParse(input);
  if (parsed.success) return { ok: true, data: parsed.data };
  return { ok: false, errors: fieldErrors(parsed.error, { ours: /^(devices\.)?error\./, fallbackField: 'location' }) };
}

/** What the form shows of a stored device: never a sealed secret. */
export function deviceFormValues(row: Record<string, unknown>): DeviceFormValues {
  const s = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
  const location = row.latitude === null || row.latitude === undefined || row.longitude === null ? '' : `${Number(row.latitude)}, ${Number(row.longitude)}`;
  return {
    ...EMPTY_DEVICE,
    kind: s(row.kind), name: s(row.name), address: s(row.address).replace(/\/(32|128)$/, ''), nas_id: s(row.nas_id), parent_id: s(row.parent_id),
    parent_port: s(row.parent_port), port_count: s(row.port_count), location, probe_ping: row.probe_ping ? '1' : '', probe_snmp: row.probe_snmp ? '1' : '',
    snmp_version: s(row.snmp_version), snmp_port: s(row.snmp_port ?? 161), snmp_v3_user: s(row.snmp_v3_user),
    snmp_v3_auth_protocol: s(row.snmp_v3_auth_protocol), snmp_v3_priv_protocol: s(row.snmp_v3_priv_protocol), note: s(row.note),
  };
}
