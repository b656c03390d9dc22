/**
 * Stores one device's poll (./read-device.ts): upserts its device_interfaces, turns counters into
 * if_in_bps / if_out_bps samples against the previous reading in snmp_counters (./counter-rate.ts:
 * wraps added, reboots and resets skipped), records uptime_s, cpu_pct, mem_pct and EPON optical
 * levels through network/history/record-samples.ts, and reports which interfaces changed their
 * ifOperStatus since the last poll (RFC 2863 §3.1.13) for network/alerts/device-changes.ts.
 */
import type { Knex } from '../../lib/db.js';
import type { InterfaceChange } from '../alerts/device-changes.js';
import { recordSamples, type Sample } from '../history/record-samples.js';
import { interfaceRate, type CounterSnapshot, type SkipReason } from './counter-rate.js';
import type { InterfaceReading, OpticalReading, SystemReading } from './read-device.js';

export interface DevicePoll {
  system: SystemReading;
  interfaces: InterfaceReading[];
  optical: OpticalReading[];
  /** When the counters were read. */
  at: Date;
}

/** An interface whose ifOperStatus changed, with its name for the alert text. */
export type SnmpInterfaceChange = InterfaceChange & { name: string };

export interface StoredPoll {
  changes: SnmpInterfaceChange[];
  samples: number;
  /** Interfaces whose rate was not computed this time, by reason. */
  skipped: Partial<Record<SkipReason, number>>;
}

interface CounterRow {
  interface_id: string;
  bits: number;
  in_octets: string;
  out_octets: string;
  uptime_ticks: string;
  at: Date;
}

/** Writes `poll` for device `deviceId` in one transaction. */
export async function storeDevicePoll(db: Knex, deviceId: number, poll: DevicePoll): Promise<StoredPoll> {
  return db.transaction(async (trx) => {
    const { at, system } = poll;
    const before: Array<{ if_index: number; oper_status: string | null }> = await trx('device_interfaces')
      .where('device_id', deviceId)
      .select('if_index', 'oper_status');
    const previousStatus = new Map(before.map((r) => [r.if_index, r.oper_status]));
    const ids = new Map<number, number>();
    if (poll.interfaces.length > 0) {
      const rows: Array<{ id: string; if_index: number }> = await trx('device_interfaces')
        .insert(
          poll.interfaces.map((i) => ({
            device_id: deviceId,
            if_index: i.ifIndex,
            name: i.name.slice(0, 200),
            alias: i.alias.slice(0, 200),
            speed_bps: i.speedBps,
            admin_status: i.adminStatus,
            oper_status: i.operStatus,
            updated_at: at,
          })),
        )
        .onConflict(['device_id', 'if_index'])
        .merge(['name', 'alias', 'speed_bps', 'admin_status', 'oper_status', 'updated_at'])
        .returning(['id', 'if_index']);
      for (const r of rows) ids.set(r.if_index, Number(r.id));
    }

    const prevRows: CounterRow[] = ids.size > 0 ? await trx('snmp_counters').whereIn('interface_id', [...ids.values()]).select('*') : [];
    const prev = new Map<number, CounterSnapshot>(
      prevRows.map((r) => [
        Number(r.interface_id),
        { bits: r.bits === 32 ? 32 : 64, inOctets: BigInt(r.in_octets), outOctets: BigInt(r.out_octets), uptimeTicks: Number(r.uptime_ticks), at: r.at },
      ]),
    );

    const samples: Sample[] = [{ deviceId, metric: 'uptime_s', at, value: system.uptimeTicks / 100 }];
    if (system.cpuPct !== null) samples.push({ deviceId, metric: 'cpu_pct', at, value: system.cpuPct });
    if (system.memPct !== null) samples.push({ deviceId, metric: 'mem_pct', at, value: system.memPct });
    const skipped: StoredPoll['skipped'] = {};
    const counterRows: Array<Record<string, unknown>> = [];
    const changes: SnmpInterfaceChange[] = [];
    for (const i of poll.interfaces) {
      const interfaceId = ids.get(i.ifIndex);
      if (interfaceId === undefined) continue;
      const from = previousStatus.get(i.ifIndex);
      if (from && i.operStatus && from !== i.operStatus) {
        changes.push({ deviceId, interfaceId, ifIndex: i.ifIndex, name: i.name, from, to: i.operStatus, at });
      }
      if (!i.counters) continue;
      const cur: CounterSnapshot = { ...i.counters, at, uptimeTicks: system.uptimeTicks };
      const rate = interfaceRate(prev.get(interfaceId), cur, i.speedBps);
      if (rate.kind === 'rate') {
        samples.push({ deviceId, interfaceId, metric: 'if_in_bps', at, value: rate.inBps });
        samples.push({ deviceId, interfaceId, metric: 'if_out_bps', at, value: rate.outBps });
      } else {
        skipped[rate.reason] = (skipped[rate.reason] ?? 0) + 1;
      }
      counterRows.push({
        interface_id: interfaceId,
        bits: cur.bits,
        in_octets: cur.inOctets.toString(),
        out_octets: cur.outOctets.toString(),
        uptime_ticks: cur.uptimeTicks,
        at,
      });
    }
    if (counterRows.length > 0) await trx('snmp_counters').insert(counterRows).onConflict('interface_id').merge();

    for (const o of poll.optical) {
      const interfaceId = ids.get(o.ifIndex);
      if (interfaceId === undefined) continue;
      if (o.rxDbm !== null) samples.push({ deviceId, interfaceId, metric: 'optical_rx_dbm', at, value: o.rxDbm });
      if (o.txDbm !== null) samples.push({ deviceId, interfaceId, metric: 'optical_tx_dbm', at, value: o.txDbm });
    }
    const written = await recordSamples(trx, samples);

    await trx('snmp_device_status')
      .insert({
        device_id: deviceId,
        sys_name: system.sysName.slice(0, 255),
        sys_descr: system.sysDescr.slice(0, 1000),
        uptime_s: Math.floor(system.uptimeTicks / 100),
        cpu_pct: system.cpuPct,
        mem_pct: system.memPct,
        polled_at: at,
        error: null,
        error_at: null,
      })
      .onConflict('device_id')
      .merge();
    return { changes, samples: written, skipped };
  });
}

/** Records a failed poll (`error` is the message: timeout, authentication…); the last good values stay. */
export async function storePollError(db: Knex, deviceId: number, at: Date, error: string): Promise<void> {
  await db('snmp_device_status')
    .insert({ device_id: deviceId, error: error.slice(0, 500), error_at: at })
    .onConflict('device_id')
    .merge(['error', 'error_at']);
}
