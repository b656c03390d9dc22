/**
 * One simulated device's SNMP agent (v1/v2c, one community) with the `net-snmp` package's Agent:
 * - system group (RFC 3418): sysDescr, sysObjectID, sysUpTime (hundredths of a second since the
 *   device "booted", wrapping at 2^32), sysContact, sysName, sysLocation, sysServices;
 * - IF-MIB (RFC 2863): ifNumber, ifTable (ifDescr, ifType 6, ifMtu, ifSpeed, ifPhysAddress,
 *   ifAdminStatus, ifOperStatus, 32-bit ifIn/OutOctets and packets, which wrap as they should)
 *   and ifXTable (ifName, 64-bit ifHCIn/OutOctets and packets, ifHighSpeed in Mbit/s, ifAlias);
 * - HOST-RESOURCES-MIB (RFC 2790) hrProcessorLoad for one processor (index 1).
 * Values are refreshed from the device's live counters at most every 200 ms when asked.
 * `setAnswering(false)` removes the community: the agent then ignores every request (a device
 * that is down, as an SNMP poller sees it: timeouts).
 */
import dgram from 'node:dgram';
import type { Counters } from '../traffic/traffic.js';
import { snmp, type Agent, type ColumnDef, type Mib } from './net-snmp.js';

export interface SimInterface {
  index: number;
  name: string;
  alias?: string;
  speedMbps: number;
  mac: Buffer;
  counters: Counters;
  up(): boolean;
}

export interface SnmpDeviceSpec {
  address: string;
  port: number;
  community: string;
  sysName: string;
  sysDescr: string;
  /** MikroTik: 1.3.6.1.4.1.14988.1. */
  sysObjectId: string;
  sysLocation: string;
  bootedAt: number;
  interfaces: SimInterface[];
  cpuLoad(): number;
}

export interface SnmpAgent {
  address: string;
  port: number;
  readonly answering: boolean;
  setAnswering(on: boolean): void;
  close(): Promise<void>;
}

const T = snmp.ObjectType;
const RO = snmp.MaxAccess['read-only'];
const NA = snmp.MaxAccess['not-accessible'];
const col = (number: number, name: string, type: number, maxAccess = RO): ColumnDef => ({ number, name, type, maxAccess });
const u64 = (v: bigint): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt.asUintN(64, v));
  return b;
};
const u32 = (v: bigint): number => Number(v & 0xffffffffn);

/** Starts the agent on spec.address:spec.port; resolves once bound. @throws Error when it cannot bind. */
export async function startSnmpAgent(spec: SnmpDeviceSpec): Promise<SnmpAgent> {
  // net-snmp takes port 0 for its default 161: ask the kernel for a free port first.
  const port = spec.port || (await freeUdpPort(spec.address));
  const agent: Agent = snmp.createAgent({ port, address: spec.address, transport: 'udp4' }, () => {});
  const socket = Object.values(agent.listener.sockets)[0]!;
  await new Promise<void>((resolve, reject) => {
    socket.once('listening', resolve);
    socket.once('error', reject);
  });
  agent.getAuthorizer().addCommunity(spec.community);
  const mib = agent.getMib();
  let refreshedAt = 0;
  const refresh = (req: { done(): void }): void => {
    if (Date.now() - refreshedAt > 200) {
      refreshedAt = Date.now();
      update(mib, spec);
    }
    req.done();
  };
  register(mib, spec, refresh);
  update(mib, spec);

  let answering = true;
  return {
    address: spec.address,
    port: socket.address().port,
    get answering() {
      return answering;
    },
    setAnswering(on) {
      if (on === answering) return;
      answering = on;
      if (on) agent.getAuthorizer().addCommunity(spec.community);
      else agent.getAuthorizer().deleteCommunity(spec.community);
    },
    close: () => new Promise<void>((resolve) => agent.close(() => resolve())),
  };
}

function freeUdpPort(address: string): Promise<number> {
  const s = dgram.createSocket('udp4');
  return new Promise((resolve, reject) => {
    s.once('error', reject);
    s.bind(0, address, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function register(mib: Mib, spec: SnmpDeviceSpec, handler: (req: { done(): void }) => void): void {
  const scalars: Array<[string, string, number, unknown]> = [
    ['sysDescr', '1.3.6.1.2.1.1.1', T.OctetString, spec.sysDescr],
    ['sysObjectID', '1.3.6.1.2.1.1.2', T.OID, spec.sysObjectId],
    ['sysUpTime', '1.3.6.1.2.1.1.3', T.TimeTicks, 0],
    ['sysContact', '1.3.6.1.2.1.1.4', T.OctetString, 'noc@example.net'],
    ['sysName', '1.3.6.1.2.1.1.5', T.OctetString, spec.sysName],
    ['sysLocation', '1.3.6.1.2.1.1.6', T.OctetString, spec.sysLocation],
    ['sysServices', '1.3.6.1.2.1.1.7', T.Integer, 78],
    ['ifNumber', '1.3.6.1.2.1.2.1', T.Integer, spec.interfaces.length],
  ];
  for (const [name, oid, type, value] of scalars) {
    mib.registerProvider({ name, type: snmp.MibProviderType.Scalar, oid, scalarType: type, maxAccess: RO, handler });
    mib.setScalarValue(name, value);
  }
  mib.registerProvider({
    name: 'ifTable', type: snmp.MibProviderType.Table, oid: '1.3.6.1.2.1.2.2.1', maxAccess: NA, handler,
    tableColumns: [col(1, 'ifIndex', T.Integer), col(2, 'ifDescr', T.OctetString), col(3, 'ifType', T.Integer), col(4, 'ifMtu', T.Integer),
      col(5, 'ifSpeed', T.Gauge32), col(6, 'ifPhysAddress', T.OctetString), col(7, 'ifAdminStatus', T.Integer), col(8, 'ifOperStatus', T.Integer),
      col(10, 'ifInOctets', T.Counter32), col(11, 'ifInUcastPkts', T.Counter32), col(16, 'ifOutOctets', T.Counter32), col(17, 'ifOutUcastPkts', T.Counter32)],
    tableIndex: [{ columnName: 'ifIndex' }],
  });
  mib.registerProvider({
    name: 'ifXTable', type: snmp.MibProviderType.Table, oid: '1.3.6.1.2.1.31.1.1.1', maxAccess: NA, handler,
    tableColumns: [col(1, 'ifName', T.OctetString), col(6, 'ifHCInOctets', T.Counter64), col(7, 'ifHCInUcastPkts', T.Counter64),
      col(10, 'ifHCOutOctets', T.Counter64), col(11, 'ifHCOutUcastPkts', T.Counter64), col(15, 'ifHighSpeed', T.Gauge32), col(18, 'ifAlias', T.OctetString)],
    tableIndex: [{ columnName: 'ifIndex', foreign: 'ifTable' }],
  });
  mib.registerProvider({
    name: 'hrProcessorTable', type: snmp.MibProviderType.Table, oid: '1.3.6.1.2.1.25.3.3.1', maxAccess: NA, handler,
    tableColumns: [col(1, 'hrDeviceIndex', T.Integer, NA), col(2, 'hrProcessorLoad', T.Integer)],
    tableIndex: [{ columnName: 'hrDeviceIndex' }],
  });
  for (const i of spec.interfaces) {
    const c = i.counters;
    const status = i.up() ? 1 : 2;
    mib.addTableRow('ifTable', [i.index, i.name, 6, 1500, Math.min(0xffffffff, i.speedMbps * 1e6), i.mac, 1, status,
      u32(c.rxOctets), u32(c.rxPackets), u32(c.txOctets), u32(c.txPackets)]);
    mib.addTableRow('ifXTable', [i.index, i.name, u64(c.rxOctets), u64(c.rxPackets), u64(c.txOctets), u64(c.txPackets), i.speedMbps, i.alias ?? '']);
  }
  mib.addTableRow('hrProcessorTable', [1, spec.cpuLoad()]);
}

/** Copies the live values into the MIB. */
function update(mib: Mib, spec: SnmpDeviceSpec): void {
  mib.setScalarValue('sysUpTime', Math.floor((Date.now() - spec.bootedAt) / 10) % 2 ** 32);
  for (const i of spec.interfaces) {
    const c = i.counters;
    const row = [i.index];
    mib.setTableSingleCell('ifTable', 8, row, i.up() ? 1 : 2);
    mib.setTableSingleCell('ifTable', 10, row, u32(c.rxOctets));
    mib.setTableSingleCell('ifTable', 11, row, u32(c.rxPackets));
    mib.setTableSingleCell('ifTable', 16, row, u32(c.txOctets));
    mib.setTableSingleCell('ifTable', 17, row, u32(c.txPackets));
    mib.setTableSingleCell('ifXTable', 6, row, u64(c.rxOctets));
    mib.setTableSingleCell('ifXTable', 7, row, u64(c.rxPackets));
    mib.setTableSingleCell('ifXTable', 10, row, u64(c.txOctets));
    mib.setTableSingleCell('ifXTable', 11, row, u64(c.txPackets));
  }
  mib.setTableSingleCell('hrProcessorTable', 2, [1], spec.cpuLoad());
}
