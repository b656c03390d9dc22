/**
 * One device's SNMP readings: system group, CPU and memory (HOST-RESOURCES-MIB), interfaces with
 * their octet counters (IF-MIB) and, for OLTs and ONUs, EPON optical power (DOT3-EPON-MIB). OIDs
 * and their RFC sections are in ./oids.ts. Network only: no database here.
 */
import { RequestFailedError, type Session } from 'net-snmp';
import { ADMIN_STATUS, DOT3_EPON, HOST_RESOURCES, IF_MIB, OPER_STATUS, SYSTEM, type OperStatus } from './oids.js';
import { snmpColumns, snmpGet, toBigInt, toInt, toText } from './values.js';

export interface SystemReading {
  sysName: string;
  sysDescr: string;
  /** sysUpTime in TimeTicks (1/100 s). */
  uptimeTicks: number;
  /** Mean hrProcessorLoad over the device's CPUs (0–100), null without hrProcessorTable. */
  cpuPct: number | null;
  /** RAM used / size × 100 over the hrStorageRam rows, null without one. */
  memPct: number | null;
}

export interface InterfaceReading {
  ifIndex: number;
  /** ifName, or ifDescr when the agent has no ifXTable. */
  name: string;
  alias: string;
  /** ifHighSpeed × 10^6, else ifSpeed; null when neither is known. */
  speedBps: number | null;
  adminStatus: 'up' | 'down' | 'testing' | null;
  operStatus: OperStatus | null;
  /** ifHCIn/OutOctets (64) when the agent has them, else ifIn/OutOctets (32); null when neither. */
  counters: { inOctets: bigint; outOctets: bigint; bits: 32 | 64 } | null;
}

export interface OpticalReading {
  ifIndex: number;
  rxDbm: number | null;
  txDbm: number | null;
}

/** @throws the session's error (timeout, authentication failure) when sysUpTime cannot be read. */
export async function readSystem(session: Session): Promise<SystemReading> {
  const scalars = await snmpGet(session, [SYSTEM.sysUpTime, SYSTEM.sysName, SYSTEM.sysDescr]);
  const uptimeTicks = toInt(scalars.get(SYSTEM.sysUpTime));
  if (uptimeTicks === undefined) throw new Error('device did not return sysUpTime');
  const cpu = await optionalTable(() => snmpColumns(session, HOST_RESOURCES.hrProcessorTable, [HOST_RESOURCES.hrProcessorLoadColumn]));
  const loads = [...cpu.values()].map((r) => toInt(r.get(HOST_RESOURCES.hrProcessorLoadColumn))).filter((v): v is number => v !== undefined);
  const c = HOST_RESOURCES.hrStorageColumns;
  const storage = await optionalTable(() => snmpColumns(session, HOST_RESOURCES.hrStorageTable, [c.type, c.allocationUnits, c.size, c.used]));
  let size = 0;
  let used = 0;
  for (const row of storage.values()) {
    if (row.get(c.type) !== HOST_RESOURCES.hrStorageRam) continue;
    const units = toInt(row.get(c.allocationUnits)) ?? 1;
    size += (toInt(row.get(c.size)) ?? 0) * units;
    used += (toInt(row.get(c.used)) ?? 0) * units;
  }
  return {
    sysName: toText(scalars.get(SYSTEM.sysName)),
    sysDescr: toText(scalars.get(SYSTEM.sysDescr)),
    uptimeTicks,
    cpuPct: loads.length > 0 ? loads.reduce((a, b) => a + b, 0) / loads.length : null,
    memPct: size > 0 ? (used / size) * 100 : null,
  };
}

/**
 * ifTable and ifXTable rows. `hc`: ask for the Counter64 columns (false for SNMPv1, which has no
 * Counter64: RFC 3584 §4.2.2.1 makes a v1 agent skip them).
 */
export async function readInterfaces(session: Session, hc: boolean): Promise<InterfaceReading[]> {
  const i = IF_MIB.ifColumns;
  const x = IF_MIB.ifXColumns;
  const base = await snmpColumns(session, IF_MIB.ifTable, [i.ifDescr, i.ifSpeed, i.ifAdminStatus, i.ifOperStatus, i.ifInOctets, i.ifOutOctets]);
  const xColumns: number[] = [x.ifName, x.ifHighSpeed, x.ifAlias];
  if (hc) xColumns.push(x.ifHCInOctets, x.ifHCOutOctets);
  const ext = await optionalTable(() => snmpColumns(session, IF_MIB.ifXTable, xColumns));
  const out: InterfaceReading[] = [];
  for (const [ifIndex, row] of [...base].sort(([a], [b]) => a - b)) {
    if (ifIndex < 1) continue;
    const xr = ext.get(ifIndex);
    const high = toInt(xr?.get(x.ifHighSpeed));
    const speed = toInt(row.get(i.ifSpeed));
    const hcIn = toBigInt(xr?.get(x.ifHCInOctets));
    const hcOut = toBigInt(xr?.get(x.ifHCOutOctets));
    const in32 = toBigInt(row.get(i.ifInOctets));
    const out32 = toBigInt(row.get(i.ifOutOctets));
    out.push({
      ifIndex,
      name: toText(xr?.get(x.ifName)) || toText(row.get(i.ifDescr)),
      alias: toText(xr?.get(x.ifAlias)),
      speedBps: high !== undefined && high > 0 ? high * 1_000_000 : speed !== undefined ? speed : null,
      adminStatus: ADMIN_STATUS[toInt(row.get(i.ifAdminStatus)) ?? 0] ?? null,
      operStatus: OPER_STATUS[toInt(row.get(i.ifOperStatus)) ?? 0] ?? null,
      counters:
        hcIn !== undefined && hcOut !== undefined
          ? { inOctets: hcIn, outOctets: hcOut, bits: 64 }
          : in32 !== undefined && out32 !== undefined
            ? { inOctets: in32, outOctets: out32, bits: 32 }
            : null,
    });
  }
  return out;
}

/** EPON optical levels (DOT3-EPON-MIB, RFC 4837: 0.1 dBm units) by ifIndex; empty when the device has none. */
export async function readOptical(session: Session): Promise<OpticalReading[]> {
  const t = DOT3_EPON;
  const rows = await optionalTable(() => snmpColumns(session, t.dot3ExtPkgOptIfTable, [t.inputPowerColumn, t.outputPowerColumn]));
  return [...rows].map(([ifIndex, row]) => {
    const rx = toInt(row.get(t.inputPowerColumn));
    const tx = toInt(row.get(t.outputPowerColumn));
    return { ifIndex, rxDbm: rx === undefined ? null : rx / 10, txDbm: tx === undefined ? null : tx / 10 };
  });
}

/** A table the device may not implement: an error-status answer (noSuchName in v1…) reads as empty; timeouts still throw. */
async function optionalTable<T>(read: () => Promise<Map<number, T>>): Promise<Map<number, T>> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof RequestFailedError) return new Map();
    throw err;
  }
}
