/**
 * A local fake of GenieACS's NBI speaking its wire format (GenieACS "API Reference"):
 * - `GET /devices/?query=<MongoDB JSON>&projection=a,b&skip=&limit=`: equality on `_id`, on
 *   `_deviceId._SerialNumber` and on any parameter path (compared with its `_value`); `{}` is all;
 * - `POST /devices/<percent-encoded id>/tasks?connection_request`: 200 when the device "answers
 *   the connection request" (online), 202 when the task is queued (or "Task faulted" for a device in
 *   `faulting`); the task is stored with an
 *   `_id` and `device`, and a setParameterValues changes the device's tree, as the CPE would;
 * - `GET /tasks/?query={"device":…}`, `GET /faults/?query=…`, `GET /presets/`, `DELETE /devices/<id>`;
 * - HTTP Basic authentication when `auth` is given (401 otherwise).
 * Devices are built with `igdDevice` (TR-098) and `tr181Device` (TR-181) like a real CPE reports them.
 */
import { randomBytes } from 'node:crypto';
import { sendJson, startHttpPeer, type HttpPeer } from './http-peer.js';

export type Tree = Record<string, unknown>;
export interface FakeDevice extends Tree { _id: string }

export interface FakeGenieAcs extends HttpPeer {
  devices: Map<string, FakeDevice>;
  /** Devices that answer connection requests (200); others get tasks queued (202). */
  online: Set<string>;
  /** Devices that answer every task with a CWMP fault (202 "Task faulted", as GenieACS says it). */
  faulting: Set<string>;
  tasks: Array<Record<string, unknown> & { device: string; name: string }>;
  faults: Array<Record<string, unknown>>;
  requests: Array<{ method: string; path: string; query: string }>;
  add(device: FakeDevice, opts?: { online?: boolean }): void;
}

const leaf = (value: unknown, type = typeof value === 'number' ? 'xsd:unsignedInt' : typeof value === 'boolean' ? 'xsd:boolean' : 'xsd:string'): Tree =>
  ({ _value: value, _type: type, _timestamp: '2026-12-07T02:55:00.000Z', _writable: true });

/** Sets `path` (dotted) in `tree` to a parameter leaf, creating objects on the way. */
export function setParam(tree: Tree, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = tree;
  for (const p of parts.slice(0, -1)) {
    node[p] ??= { _object: true, _writable: false, _timestamp: '2026-12-07T02:55:00.000Z' };
    node = node[p] as Tree;
  }
  node[parts.at(-1)!] = leaf(value);
}

function getNode(tree: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((n, p) => (n && typeof n === 'object' ? (n as Tree)[p] : undefined), tree);
}

export interface CpeSpec {
  oui?: string;
  productClass?: string;
  serial: string;
  manufacturer?: string;
  model?: string;
  firmware?: string;
  uptime?: number;
  pppoeUsername?: string;
  wanState?: string;
  ssids?: Array<{ ssid: string; clients: number }>;
  /** TR-181: OpticalSignalLevel in 0.001 dBm. IGD: a Huawei-style vendor RXPower in dBm. */
  rxPower?: number;
  informInterval?: number;
  lastInform: Date;
}

function base(spec: CpeSpec): FakeDevice {
  const oui = spec.oui ?? '00259E';
  const productClass = spec.productClass ?? 'HG8245H';
  return {
    _id: `${oui}-${productClass}-${encodeURIComponent(spec.serial).replace(/-/g, '%2D')}`,
    _deviceId: { _OUI: oui, _ProductClass: productClass, _SerialNumber: spec.serial, _Manufacturer: spec.manufacturer ?? 'Huawei Technologies Co., Ltd' },
    _lastInform: spec.lastInform.toISOString(),
    _registered: '2026-11-01T00:00:00.000Z',
  };
}

/** A TR-098 (InternetGatewayDevice) CPE, e.g. a Huawei HG8245H ONT with PPPoE on WANConnectionDevice.2. */
export function igdDevice(spec: CpeSpec): FakeDevice {
  const d = base(spec);
  const r = 'InternetGatewayDevice';
  setParam(d, `${r}.DeviceInfo.ModelName`, spec.model ?? 'HG8245H');
  setParam(d, `${r}.DeviceInfo.SoftwareVersion`, spec.firmware ?? 'V3R017C10S130');
  setParam(d, `${r}.DeviceInfo.UpTime`, spec.uptime ?? 93_784);
  setParam(d, `${r}.ManagementServer.PeriodicInformInterval`, spec.informInterval ?? 300);
  const ppp = `${r}.WANDevice.1.WANConnectionDevice.2.WANPPPConnection.1`;
  setParam(d, `${ppp}.Username`, spec.pppoeUsername ?? '');
  setParam(d, `${ppp}.Password`, '');
  setParam(d, `${ppp}.ConnectionStatus`, spec.wanState ?? 'Connected');
  if (spec.rxPower !== undefined) setParam(d, `${r}.WANDevice.1.X_GponInterafceConfig.RXPower`, spec.rxPower);
  (spec.ssids ?? [{ ssid: 'HUAWEI-2.4G', clients: 3 }]).forEach((w, i) => {
    setParam(d, `${r}.LANDevice.1.WLANConfiguration.${i + 1}.SSID`, w.ssid);
    setParam(d, `${r}.LANDevice.1.WLANConfiguration.${i + 1}.TotalAssociations`, w.clients);
    setParam(d, `${r}.LANDevice.1.WLANConfiguration.${i + 1}.PreSharedKey.1.KeyPassphrase`, '');
  });
  return d;
}

/** A TR-181 (Device) CPE with an optical interface. */
export function tr181Device(spec: CpeSpec): FakeDevice {
  const d = base({ oui: 'E4C32A', productClass: 'EX220', manufacturer: 'TP-Link', ...spec });
  const r = 'Device';
  setParam(d, `${r}.DeviceInfo.ModelName`, spec.model ?? 'XZ000-G3');
  setParam(d, `${r}.DeviceInfo.SoftwareVersion`, spec.firmware ?? '1.2.0 Build 230712');
  setParam(d, `${r}.DeviceInfo.UpTime`, spec.uptime ?? 3_725);
  setParam(d, `${r}.ManagementServer.PeriodicInformInterval`, spec.informInterval ?? 600);
  setParam(d, `${r}.PPP.Interface.1.Username`, spec.pppoeUsername ?? '');
  setParam(d, `${r}.PPP.Interface.1.Password`, '');
  setParam(d, `${r}.PPP.Interface.1.ConnectionStatus`, spec.wanState ?? 'Connected');
  if (spec.rxPower !== undefined) setParam(d, `${r}.Optical.Interface.1.OpticalSignalLevel`, spec.rxPower);
  (spec.ssids ?? [{ ssid: 'TP-Link_5G', clients: 2 }]).forEach((w, i) => {
    setParam(d, `${r}.WiFi.SSID.${i + 1}.SSID`, w.ssid);
    setParam(d, `${r}.WiFi.AccessPoint.${i + 1}.AssociatedDeviceNumberOfEntries`, w.clients);
    setParam(d, `${r}.WiFi.AccessPoint.${i + 1}.Security.KeyPassphrase`, '');
  });
  return d;
}

function matches(device: FakeDevice, query: Record<string, unknown>): boolean {
  return Object.entries(query).every(([k, want]) => {
    const node = getNode(device, k);
    const have = node && typeof node === 'object' && '_value' in (node as Tree) ? (node as Tree)._value : node;
    return have === want;
  });
}

function project(device: FakeDevice, projection: string[] | null): Tree {
  if (!projection) return device;
  const out: Tree = { _id: device._id };
  for (const p of projection) {
    const node = getNode(device, p);
    if (node === undefined) continue;
    const parts = p.split('.');
    let o = out;
    for (const part of parts.slice(0, -1)) o = (o[part] ??= {}) as Tree;
    o[parts.at(-1)!] = structuredClone(node);
  }
  return out;
}

export async function startFakeGenieAcs(opts: { auth?: { username: string; password: string } } = {}): Promise<FakeGenieAcs> {
  const devices = new Map<string, FakeDevice>();
  const online = new Set<string>();
  const faulting = new Set<string>();
  const tasks: FakeGenieAcs['tasks'] = [];
  const faults: FakeGenieAcs['faults'] = [];
  const requests: FakeGenieAcs['requests'] = [];
  const expected = opts.auth ? `Basic ${Buffer.from(`${opts.auth.username}:${opts.auth.password}`).toString('base64')}` : null;
  const peer = await startHttpPeer((req, res) => {
    requests.push({ method: req.method, path: req.url.pathname, query: req.url.search });
    if (expected && req.headers.authorization !== expected) return sendJson(res, 401, 'Unauthorized');
    const segs = req.url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const query = (): Record<string, unknown> => JSON.parse(req.url.searchParams.get('query') || '{}') as Record<string, unknown>;
    if (req.method === 'GET' && segs.length === 1 && segs[0] === 'devices') {
      const projection = req.url.searchParams.get('projection')?.split(',') ?? null;
      const skip = Number(req.url.searchParams.get('skip') ?? 0);
      const limit = Number(req.url.searchParams.get('limit') ?? 0) || Infinity;
      const found = [...devices.values()].filter((d) => matches(d, query())).slice(skip, skip + limit);
      return sendJson(res, 200, found.map((d) => project(d, projection)));
    }
    if (req.method === 'POST' && segs.length === 3 && segs[0] === 'devices' && segs[2] === 'tasks') {
      const device = devices.get(segs[1]!);
      if (!device) return sendJson(res, 404, 'No such device');
      const task = { ...(req.json as Tree), device: device._id, _id: randomBytes(12).toString('hex'), timestamp: new Date().toISOString() } as unknown as FakeGenieAcs['tasks'][number];
      tasks.push(task);
      if (faulting.has(device._id)) {
        res.writeHead(202, 'Task faulted', { 'content-type': 'application/json' });
        return void res.end(JSON.stringify(task));
      }
      const now = online.has(device._id) && req.url.searchParams.has('connection_request');
      if (now && task.name === 'setParameterValues') for (const [path, value] of task.parameterValues as Array<[string, unknown]>) setParam(device, path, value);
      return sendJson(res, now ? 200 : 202, task);
    }
    if (req.method === 'DELETE' && segs.length === 2 && segs[0] === 'devices') {
      return sendJson(res, devices.delete(segs[1]!) ? 200 : 404, '');
    }
    if (req.method === 'GET' && segs.length === 1 && segs[0] === 'tasks') return sendJson(res, 200, tasks.filter((t) => matches(t as unknown as FakeDevice, query())));
    if (req.method === 'GET' && segs.length === 1 && segs[0] === 'faults') return sendJson(res, 200, faults.filter((f) => matches(f as FakeDevice, query())));
    if (req.method === 'GET' && segs.length === 1 && segs[0] === 'presets') return sendJson(res, 200, [{ _id: 'inform', channel: 'inform', weight: 0, precondition: '{}', configurations: [{ type: 'provision', name: 'isp-inform' }] }]);
    sendJson(res, 404, 'Not found');
  });
  return {
    ...peer, devices, online, faulting, tasks, faults, requests,
    add(device, o = {}) {
      devices.set(device._id, device);
      if (o.online !== false) online.add(device._id);
    },
  };
}
