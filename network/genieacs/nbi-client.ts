/**
 * A client of GenieACS's northbound interface (NBI, default port 7557): JSON over HTTP.
 * Source: GenieACS documentation, "API Reference" (docs.genieacs.com/en/latest/api-reference.html,
 * docs/api-reference.rst in github.com/genieacs/genieacs):
 * - `GET /devices/?query=<MongoDB query as JSON>&projection=<comma-separated paths>`: the matching
 *   devices as JSON; a parameter is an object with `_value`, `_type`, `_timestamp`; `_id`,
 *   `_deviceId` (`_OUI`, `_ProductClass`, `_SerialNumber`, `_Manufacturer`), `_lastInform`.
 *   `skip` and `limit` page through large collections.
 * - `POST /devices/<id>/tasks?connection_request&timeout=<ms>` with a task object
 *   (`getParameterValues`, `setParameterValues`, `refreshObject`, `reboot`, `factoryReset`, …):
 *   200 when the CPE answered the connection request and the task ran, 202 when it is queued for
 *   the next inform ("Task queued but not processed", or the connection request's error) or when
 *   the CPE answered with a fault ("Task faulted"; GenieACS lib/nbi.ts). GenieACS stores the task
 *   before it waits for the CPE (up to ~2 minutes), so a request that times out here left the task
 *   queued. The device id must be percent-encoded in the path, its own `%` included: the NBI's
 *   route accepts only `[A-Za-z0-9_%-]` there (lib/nbi.ts DEVICE_TASKS_REGEX).
 * - `GET /tasks/?query=…`, `GET /faults/?query=…`, `GET /presets/`, `DELETE /devices/<id>`.
 * The NBI has no authentication of its own; deployments put it behind a proxy with HTTP Basic
 * authentication, which this client sends when a username is configured (RFC 7617).
 * Errors: NbiError with the HTTP status (0: no answer / timeout); its message never holds the password.
 */

/** One GenieACS device document as the NBI returns it (a tree of objects and `_value` leaves). */
export type NbiDevice = Record<string, unknown> & { _id: string; _lastInform?: string };

/** A task object (GenieACS "Tasks"): `{ name: 'reboot' }`, `{ name: 'setParameterValues', parameterValues: [[path, value, type]] }`, … */
export type NbiTask = Record<string, unknown> & { name: string };

export interface TaskOutcome {
  /** `done`: 200, the CPE took it now; `queued`: 202, it runs at the next inform. */
  state: 'done' | 'queued';
  /** The task as GenieACS stored it (with its `_id`). */
  task: Record<string, unknown>;
}

/** `id` for a URL path segment the NBI's route accepts: everything but [A-Za-z0-9_-] percent-encoded. */
export const encodeDeviceId = (id: string): string =>
  encodeURIComponent(id).replace(/[.!~*'()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);

export class NbiError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = 'NbiError';
  }
}

export interface NbiOptions {
  /** Base URL, e.g. http://genieacs.lan:7557 (no trailing slash needed). */
  url: string;
  username?: string;
  password?: string;
  /** Per request, milliseconds (default 10 000; a task with a connection request gets 30 000). */
  timeoutMs?: number;
  /** How long GenieACS waits for the CPE after a connection request, milliseconds (default 3 000). */
  taskTimeoutMs?: number;
}

export interface NbiClient {
  findDevices(query: Record<string, unknown>, opts?: { projection?: readonly string[]; skip?: number; limit?: number }): Promise<NbiDevice[]>;
  postTask(deviceId: string, task: NbiTask, opts?: { connectionRequest?: boolean }): Promise<TaskOutcome>;
  listTasks(deviceId: string): Promise<Array<Record<string, unknown>>>;
  listFaults(deviceId: string): Promise<Array<Record<string, unknown>>>;
  listPresets(): Promise<Array<Record<string, unknown>>>;
}

export function createNbiClient(opts: NbiOptions): NbiClient {
  const base = opts.url.replace(/\/+$/, '');
  const auth = opts.username ? `Basic ${Buffer.from(`${opts.username}:${opts.password ?? ''}`).toString('base64')}` : null;

  async function call(method: string, path: string, body?: unknown, timeoutMs = opts.timeoutMs ?? 10_000): Promise<{ status: number; json: unknown; reason: string }> {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: { accept: 'application/json', ...(auth ? { authorization: auth } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const timeout = (err as Error).name === 'TimeoutError';
      throw new NbiError(`GenieACS NBI unreachable: ${timeout ? 'timeout' : (err as Error).message}`, timeout ? -1 : 0);
    }
    const text = await res.text();
    if (res.status >= 400) throw new NbiError(`GenieACS NBI answered ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`, res.status);
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: res.status, json, reason: res.statusText };
  }

  const list = async (collection: string, query: Record<string, unknown>, extra = ''): Promise<Array<Record<string, unknown>>> => {
    const { json } = await call('GET', `/${collection}/?query=${encodeURIComponent(JSON.stringify(query))}${extra}`);
    if (!Array.isArray(json)) throw new NbiError(`GenieACS NBI: /${collection}/ did not return a list`, 502);
    return json as Array<Record<string, unknown>>;
  };

  return {
    async findDevices(query, o = {}) {
      const extra = [
        o.projection?.length ? `&projection=${encodeURIComponent(o.projection.join(','))}` : '',
        o.skip ? `&skip=${o.skip}` : '',
        o.limit ? `&limit=${o.limit}` : '',
      ].join('');
      return (await list('devices', query, extra)) as NbiDevice[];
    },
    async postTask(deviceId, task, o = {}) {
      const q = o.connectionRequest === false ? '' : `?connection_request&timeout=${opts.taskTimeoutMs ?? 3000}`;
      let answer: Awaited<ReturnType<typeof call>>;
      try {
        answer = await call('POST', `/devices/${encodeDeviceId(deviceId)}/tasks${q}`, task, q ? 30_000 : undefined);
      } catch (err) {
        // Stored before GenieACS waited for the CPE: it runs at the next inform.
        if (err instanceof NbiError && err.status === -1 && q) return { state: 'queued', task: {} };
        throw err;
      }
      if (answer.status === 202 && /fault/i.test(answer.reason)) throw new NbiError('GenieACS: the CPE answered the task with a fault', 202);
      return { state: answer.status === 200 ? 'done' : 'queued', task: (answer.json ?? {}) as Record<string, unknown> };
    },
    listTasks: (deviceId) => list('tasks', { device: deviceId }),
    listFaults: (deviceId) => list('faults', { device: deviceId }),
    listPresets: () => list('presets', {}),
  };
}
