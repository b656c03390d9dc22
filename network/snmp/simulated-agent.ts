/**
 * A small SNMP agent (net-snmp's Agent, README "Application: SNMP Agent") that answers the system
 * group, HOST-RESOURCES-MIB CPU/RAM rows, IF-MIB ifTable/ifXTable and, optionally, DOT3-EPON-MIB
 * optical levels (OIDs in ./oids.ts) with values the caller sets and changes: counters that wrap,
 * an uptime that goes back (a reboot), links that go down. Used by the SNMP scenario tests and by
 * the MikroTik simulator for itself and its simulated downstream devices.
 *
 * Simplifications: hrProcessorTable and hrStorageTable are indexed by their own first column
 * (the real MIB indexes hrProcessorTable by hrDeviceIndex); only what the poller reads is served.
 */
import dgram from 'node:dgram';
import {
  AuthProtocols,
  createAgent,
  MaxAccess,
  MibProviderType,
  ObjectType,
  PrivProtocols,
  SecurityLevel,
  type Agent,
  type Mib,
  type TableColumn,
  type VarbindValue,
} from 'net-snmp';
import { DOT3_EPON, HOST_RESOURCES, IF_MIB, SYSTEM } from './oids.js';

export interface SimulatedInterface {
  ifIndex: number;
  name: string;
  alias?: string;
  /** bits/s; served as ifSpeed (capped at 2^32 − 1) and ifHighSpeed (Mbit/s). */
  speedBps: number;
  /** 1 up, 2 down. */
  adminStatus?: number;
  /** 1 up, 2 down, 7 lowerLayerDown… */
  operStatus?: number;
  /** Octets since the agent "booted". Served modulo 2^32 as ifIn/OutOctets and modulo 2^64 as ifHC*. */
  inOctets: bigint;
  outOctets: bigint;
  /** EPON optical levels in dBm (DOT3-EPON-MIB), served when given. */
  rxDbm?: number;
  txDbm?: number;
}

export interface SimulatedAgentOptions {
  /** Default 127.0.0.1. */
  address?: string;
  /** 0 (default): any free port, read it from `port` on the result. */
  port?: number;
  /** v1/v2c community (default "public"). */
  community?: string;
  /** SNMPv3 USM users (RFC 3414): SHA-1 + AES-128 when both keys are given, SHA-1 only with an auth key. */
  v3Users?: Array<{ name: string; authKey?: string; privKey?: string }>;
  sysName?: string;
  sysDescr?: string;
  /** sysUpTime in 1/100 s (default 100). */
  uptimeTicks?: number;
  /** hrProcessorLoad per CPU (default none). */
  cpuLoads?: number[];
  /** RAM in KiB for hrStorageRam (default none). */
  ram?: { sizeKiB: number; usedKiB: number };
  /** Serve ifHCInOctets/ifHCOutOctets (default true; false: a 32-bit-only agent). */
  hc?: boolean;
  interfaces: SimulatedInterface[];
}

export interface SimulatedAgent {
  address: string;
  port: number;
  setUptime(ticks: number): void;
  /** Sets an interface's counters (values ≥ 2^32 wrap the 32-bit ones, as a device would). */
  setCounters(ifIndex: number, inOctets: bigint, outOctets: bigint): void;
  setOperStatus(ifIndex: number, status: number): void;
  setCpuLoads(loads: number[]): void;
  close(): Promise<void>;
}

const RO = MaxAccess['read-only'];
const NA = MaxAccess['not-accessible'];
const MOD32 = 1n << 32n;

function u64(v: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt.asUintN(64, v));
  return b;
}

function col(number: number, name: string, type: number, access = RO): TableColumn {
  return { number, name, type, maxAccess: access };
}

/** Starts the agent; resolves once it listens. */
export async function startSimulatedAgent(opts: SimulatedAgentOptions): Promise<SimulatedAgent> {
  const address = opts.address ?? '127.0.0.1';
  // net-snmp treats port 0 as "default" (161), so a free port is found first.
  const port = opts.port || (await freeUdpPort(address));
  const agent: Agent = createAgent({ port, address, disableAuthorization: false }, () => {});
  const auth = agent.getAuthorizer();
  auth.addCommunity(opts.community ?? 'public');
  for (const u of opts.v3Users ?? []) {
    auth.addUser({
      name: u.name,
      level: u.privKey ? SecurityLevel.authPriv : u.authKey ? SecurityLevel.authNoPriv : SecurityLevel.noAuthNoPriv,
      ...(u.authKey ? { authProtocol: AuthProtocols.sha, authKey: u.authKey } : {}),
      ...(u.privKey ? { privProtocol: PrivProtocols.aes, privKey: u.privKey } : {}),
    });
  }
  const mib = agent.getMib();
  const hc = opts.hc ?? true;
  registerSystem(mib, opts);
  registerInterfaces(mib, opts.interfaces, hc);
  let cpuRows = opts.cpuLoads ? setCpu(mib, opts.cpuLoads, 0) : 0;

  await listening(agent);
  const ifs = new Map(opts.interfaces.map((i) => [i.ifIndex, i]));
  return {
    address,
    port,
    setUptime: (ticks) => mib.setScalarValue('sysUpTime', ticks),
    setCounters(ifIndex, inOctets, outOctets) {
      if (!ifs.has(ifIndex)) throw new Error(`no interface ${ifIndex}`);
      mib.setTableSingleCell('ifTable', IF_MIB.ifColumns.ifInOctets, [ifIndex], Number(inOctets % MOD32));
      mib.setTableSingleCell('ifTable', IF_MIB.ifColumns.ifOutOctets, [ifIndex], Number(outOctets % MOD32));
      if (hc) {
        mib.setTableSingleCell('ifXTable', IF_MIB.ifXColumns.ifHCInOctets, [ifIndex], u64(inOctets));
        mib.setTableSingleCell('ifXTable', IF_MIB.ifXColumns.ifHCOutOctets, [ifIndex], u64(outOctets));
      }
    },
    setOperStatus: (ifIndex, status) => mib.setTableSingleCell('ifTable', IF_MIB.ifColumns.ifOperStatus, [ifIndex], status),
    setCpuLoads: (loads) => {
      cpuRows = setCpu(mib, loads, cpuRows);
    },
    close: () => new Promise((resolve) => agent.close(() => resolve())),
  };
}

function registerSystem(mib: Mib, opts: SimulatedAgentOptions): void {
  const scalars: Array<[string, string, number, VarbindValue]> = [
    ['sysDescr', SYSTEM.sysDescr, ObjectType.OctetString, opts.sysDescr ?? 'RouterOS simulated'],
    ['sysUpTime', SYSTEM.sysUpTime, ObjectType.TimeTicks, opts.uptimeTicks ?? 100],
    ['sysName', SYSTEM.sysName, ObjectType.OctetString, opts.sysName ?? 'simulated'],
  ];
  for (const [name, oid, type, value] of scalars) {
    mib.registerProvider({ name, type: MibProviderType.Scalar, oid: oid.replace(/\.0$/, ''), scalarType: type, maxAccess: RO });
    mib.setScalarValue(name, value);
  }
  mib.registerProvider({
    name: 'hrProcessorTable',
    type: MibProviderType.Table,
    oid: `${HOST_RESOURCES.hrProcessorTable}.1`,
    maxAccess: NA,
    tableColumns: [col(1, 'hrProcessorIndex', ObjectType.Integer, NA), col(2, 'hrProcessorLoad', ObjectType.Integer)],
    tableIndex: [{ columnName: 'hrProcessorIndex' }],
  });
  if (opts.ram) {
    const c = HOST_RESOURCES.hrStorageColumns;
    mib.registerProvider({
      name: 'hrStorageTable',
      type: MibProviderType.Table,
      oid: `${HOST_RESOURCES.hrStorageTable}.1`,
      maxAccess: NA,
      tableColumns: [
        col(1, 'hrStorageIndex', ObjectType.Integer),
        col(c.type, 'hrStorageType', ObjectType.OID),
        col(3, 'hrStorageDescr', ObjectType.OctetString),
        col(c.allocationUnits, 'hrStorageAllocationUnits', ObjectType.Integer),
        col(c.size, 'hrStorageSize', ObjectType.Integer),
        col(c.used, 'hrStorageUsed', ObjectType.Integer),
      ],
      tableIndex: [{ columnName: 'hrStorageIndex' }],
    });
    mib.addTableRow('hrStorageTable', [65536, HOST_RESOURCES.hrStorageRam, 'main memory', 1024, opts.ram.sizeKiB, opts.ram.usedKiB]);
  }
}

function registerInterfaces(mib: Mib, interfaces: SimulatedInterface[], hc: boolean): void {
  const i = IF_MIB.ifColumns;
  const x = IF_MIB.ifXColumns;
  mib.registerProvider({
    name: 'ifTable',
    type: MibProviderType.Table,
    oid: `${IF_MIB.ifTable}.1`,
    maxAccess: NA,
    tableColumns: [
      col(1, 'ifIndex', ObjectType.Integer),
      col(i.ifDescr, 'ifDescr', ObjectType.OctetString),
      col(i.ifSpeed, 'ifSpeed', ObjectType.Gauge),
      col(i.ifAdminStatus, 'ifAdminStatus', ObjectType.Integer),
      col(i.ifOperStatus, 'ifOperStatus', ObjectType.Integer),
      col(i.ifInOctets, 'ifInOctets', ObjectType.Counter),
      col(i.ifOutOctets, 'ifOutOctets', ObjectType.Counter),
    ],
    tableIndex: [{ columnName: 'ifIndex' }],
  });
  const xColumns = [col(x.ifName, 'ifName', ObjectType.OctetString)];
  if (hc) xColumns.push(col(x.ifHCInOctets, 'ifHCInOctets', ObjectType.Counter64), col(x.ifHCOutOctets, 'ifHCOutOctets', ObjectType.Counter64));
  xColumns.push(col(x.ifHighSpeed, 'ifHighSpeed', ObjectType.Gauge), col(x.ifAlias, 'ifAlias', ObjectType.OctetString));
  mib.registerProvider({
    name: 'ifXTable',
    type: MibProviderType.Table,
    oid: `${IF_MIB.ifXTable}.1`,
    maxAccess: NA,
    tableColumns: xColumns,
    tableIndex: [{ columnName: 'ifIndex', foreign: 'ifTable' }],
  });
  const optical = interfaces.some((f) => f.rxDbm !== undefined || f.txDbm !== undefined);
  if (optical) {
    mib.registerProvider({
      name: 'dot3ExtPkgOptIfTable',
      type: MibProviderType.Table,
      oid: `${DOT3_EPON.dot3ExtPkgOptIfTable}.1`,
      maxAccess: NA,
      tableColumns: [col(DOT3_EPON.inputPowerColumn, 'dot3ExtPkgOptIfInputPower', ObjectType.Integer), col(DOT3_EPON.outputPowerColumn, 'dot3ExtPkgOptIfOutputPower', ObjectType.Integer)],
      tableIndex: [{ columnName: 'ifIndex', foreign: 'ifTable' }],
    });
  }
  for (const f of interfaces) {
    mib.addTableRow('ifTable', [
      f.ifIndex,
      f.name,
      Math.min(f.speedBps, 4_294_967_295),
      f.adminStatus ?? 1,
      f.operStatus ?? 1,
      Number(f.inOctets % MOD32),
      Number(f.outOctets % MOD32),
    ]);
    const row: VarbindValue[] = [f.ifIndex, f.name];
    if (hc) row.push(u64(f.inOctets), u64(f.outOctets));
    row.push(Math.floor(f.speedBps / 1_000_000), f.alias ?? '');
    mib.addTableRow('ifXTable', row);
    if (f.rxDbm !== undefined || f.txDbm !== undefined) mib.addTableRow('dot3ExtPkgOptIfTable', [f.ifIndex, Math.round((f.rxDbm ?? 0) * 10), Math.round((f.txDbm ?? 0) * 10)]);
  }
}

/** Replaces the `rows` CPU rows with one per load; returns the new row count. */
function setCpu(mib: Mib, loads: number[], rows: number): number {
  for (let n = 1; n <= rows; n++) mib.deleteTableRow('hrProcessorTable', [n]);
  loads.forEach((load, n) => mib.addTableRow('hrProcessorTable', [n + 1, load]));
  return loads.length;
}

/** A UDP port free on `address` right now (bound to 0 and released). */
function freeUdpPort(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = dgram.createSocket('udp4');
    probe.once('error', reject);
    probe.bind(0, address, () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Resolves once the agent's socket is bound; rejects when binding fails (port in use). */
async function listening(agent: Agent): Promise<void> {
  const sockets = Object.values((agent as unknown as { listener?: { sockets?: Record<string, dgram.Socket> } }).listener?.sockets ?? {});
  await Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve, reject) => {
          try {
            socket.address();
            resolve();
          } catch {
            socket.once('listening', () => resolve());
            socket.once('error', reject);
          }
        }),
    ),
  );
}
