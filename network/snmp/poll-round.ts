/**
 * One SNMP round (job `snmp-poll`, network/jobs.ts, every 60 s): every device with probe_snmp, an
 * address and an SNMP version, except those the prober has as down (device_state), polled 32 at a
 * time. Each device: system + CPU/memory, IF-MIB interfaces, EPON optical levels for OLTs and
 * ONUs (kind 'olt' / 'cpe'); stored by ./store-poll.ts. Interface status changes of the whole
 * round go to network/alerts/device-changes.ts handleInterfaceChanges in one call.
 *
 * A device that does not answer costs one failed request (2 s × 2 tries, ./session.ts) and is
 * recorded in snmp_device_status.error; it does not fail the job (BullMQ would retry the whole round).
 */
import pLimit from 'p-limit';
import type { Container } from '../../lib/container.js';
import { handleInterfaceChanges } from '../alerts/device-changes.js';
import { readInterfaces, readOptical, readSystem } from './read-device.js';
import { openSnmpSession, SNMP_DEVICE_COLUMNS, type SnmpDeviceRow } from './session.js';
import { storeDevicePoll, storePollError, type SnmpInterfaceChange } from './store-poll.js';

export const SNMP_CONCURRENCY = 32;

export interface SnmpRoundOptions {
  /** Devices polled at once (default 32). */
  concurrency?: number;
  /** Only these devices (tests, a "poll now" button); default all with probe_snmp. */
  deviceIds?: number[];
  /** Where interface status changes go; default network/alerts handleInterfaceChanges. */
  onInterfaceChanges?: (changes: SnmpInterfaceChange[]) => Promise<void>;
}

export interface SnmpRoundResult {
  devices: number;
  polled: number;
  failed: number;
  samples: number;
  changes: number;
}

type DeviceRow = SnmpDeviceRow & { kind: string };

type Deps = Pick<Container, 'db' | 'clock' | 'log' | 'secrets'>;

/** Polls the devices and returns counts (the job's result). */
export async function runSnmpPoll(c: Deps, opts: SnmpRoundOptions = {}): Promise<SnmpRoundResult> {
  const q = c
    .db('devices as d')
    .leftJoin('device_state as s', 's.device_id', 'd.id')
    .where('d.probe_snmp', true)
    .whereNotNull('d.address')
    .whereNotNull('d.snmp_version')
    .where((w) => w.whereNull('s.state').orWhereNot('s.state', 'down'))
    .select([...SNMP_DEVICE_COLUMNS.map((col) => `d.${col}`), 'd.kind'])
    .orderBy('d.id');
  if (opts.deviceIds) q.whereIn('d.id', opts.deviceIds);
  const devices: DeviceRow[] = await q;
  const limit = pLimit(opts.concurrency ?? SNMP_CONCURRENCY);
  const result: SnmpRoundResult = { devices: devices.length, polled: 0, failed: 0, samples: 0, changes: 0 };
  const changes: SnmpInterfaceChange[] = [];
  await Promise.all(
    devices.map((d) =>
      limit(async () => {
        const deviceId = Number(d.id);
        try {
          const stored = await pollDevice(c, d);
          result.polled += 1;
          result.samples += stored.samples;
          changes.push(...stored.changes);
        } catch (err) {
          result.failed += 1;
          const message = err instanceof Error ? err.message : String(err);
          c.log.warn({ deviceId, err: message }, 'snmp poll failed');
          await storePollError(c.db, deviceId, c.clock.now(), message);
        }
      }),
    ),
  );
  result.changes = changes.length;
  if (changes.length > 0) {
    const deliver = opts.onInterfaceChanges ?? ((ch: SnmpInterfaceChange[]) => handleInterfaceChanges(c, ch));
    await deliver(changes);
  }
  return result;
}

/** Reads one device over SNMP and stores what it answered. @throws on a timeout, an authentication failure or a bad row. */
export async function pollDevice(c: Deps, device: DeviceRow): Promise<Awaited<ReturnType<typeof storeDevicePoll>>> {
  const session = openSnmpSession(device, c.secrets);
  try {
    const system = await readSystem(session);
    const interfaces = await readInterfaces(session, device.snmp_version !== '1');
    const at = c.clock.now();
    const optical = device.kind === 'olt' || device.kind === 'cpe' ? await readOptical(session) : [];
    return await storeDevicePoll(c.db, Number(device.id), { system, interfaces, optical, at });
  } finally {
    session.close();
  }
}
