/**
 * The rules a subscription's and a hotspot voucher's access decision share (aaa/policy/decide.ts;
 * ARCHITECTURE.md "Access-Request flow"), written once:
 * - one device at a time / simultaneous use: the open sessions of *other* devices count against
 *   the limit (a subscription's plan limit, a voucher's one); the same device reconnecting (same
 *   NAS and the same known Calling-Station-Id) does not, nor a session silent past a stale limit;
 * - time left: whole seconds to the end of a paid or valid period, rounded up;
 * - Session-Timeout (RFC 2865 §5.27) = the shortest of the limits that apply;
 * - Mikrotik-Total-Limit from the octets left of a quota or data limit.
 * Pure and synchronous, allocation-free: they run on the RADIUS hot path.
 */

/** A session (or a remembered Access-Accept) as the device rule sees it. */
export interface DeviceSession {
  nasIpAddress: string;
  callingStationId: string | null;
  /** Epoch milliseconds of the last accounting seen. */
  updateTime: number;
}

/** The requesting device: the NAS the request came from and its Calling-Station-Id (MAC), if sent. */
export interface RequestDevice {
  nasIpAddress: string;
  callingStationId: string | undefined;
}

/**
 * True when a session on `nasIpAddress` from `callingStationId` is the requesting device: the same
 * NAS and the same Calling-Station-Id. Without a Calling-Station-Id nothing is the same device.
 */
export function isSameDevice(nasIpAddress: string, callingStationId: string | null, request: RequestDevice): boolean {
  return Boolean(request.callingStationId) && callingStationId === request.callingStationId && nasIpAddress === request.nasIpAddress;
}

/**
 * How many of `sessions` belong to other devices than the requesting one: the ones that count
 * against a simultaneous-use limit. Sessions silent for longer than `staleAfterMs` (at `now`,
 * epoch ms) do not count; Infinity counts them all.
 */
export function otherDevices(sessions: readonly DeviceSession[], request: RequestDevice, now: number, staleAfterMs: number): number {
  let n = 0;
  for (const s of sessions) {
    if (now - s.updateTime > staleAfterMs) continue;
    if (!isSameDevice(s.nasIpAddress, s.callingStationId, request)) n++;
  }
  return n;
}

/** Whole seconds from `now` until `until` (both epoch ms), rounded up (negative once past). */
export function secondsUntil(until: number, now: number): number {
  return Math.ceil((until - now) / 1000);
}

/**
 * Session-Timeout, seconds: the shortest of the limits that apply (null or undefined: no limit
 * from that source); undefined when none applies.
 */
export function shortestTimeout(a: number | null | undefined, b: number | null | undefined, c: number | null | undefined = null): number | undefined {
  let t: number | undefined;
  if (a !== null && a !== undefined) t = a;
  if (b !== null && b !== undefined) t = t === undefined ? b : Math.min(t, b);
  if (c !== null && c !== undefined) t = t === undefined ? c : Math.min(t, c);
  return t;
}

/**
 * Octets left of `limit` after `used`, for Mikrotik-Total-Limit; 0 when none is left. `used` may
 * be a bigint (a subscription's usage sums 64-bit counters and may pass 2^53); what is left is at
 * most `limit`, a safe number.
 */
export function octetsLeft(limit: number, used: bigint | number): number {
  if (typeof used === 'bigint') {
    const left = BigInt(limit) - used;
    return left > 0n ? Number(left) : 0;
  }
  return used < limit ? limit - used : 0;
}
