/**
 * Flap damping for ping: one lost round does not make a device down, one answered round does not
 * make it up. A device goes down after `downAfter` consecutive rounds without any reply (3 by
 * default: three minutes at one round a minute) and comes back up after `upAfter` consecutive
 * answered rounds (2). A device never seen before (`unknown`) is up at its first answered round
 * and down after `downAfter` missed ones. `since` moves only when the state changes.
 */

export type DeviceState = 'unknown' | 'up' | 'down';

/** One device's state change after flap damping (the contract of network/alerts/device-changes.ts). */
export interface DeviceStateChange {
  deviceId: number;
  from: DeviceState;
  to: 'up' | 'down';
  at: Date;
}

/** What the prober remembers of a device between rounds (table device_state). */
export interface ProbeMemory {
  state: DeviceState;
  since: Date;
  /** Consecutive rounds without a reply. */
  misses: number;
  /** Consecutive rounds with a reply. */
  hits: number;
}

export interface DampingRules {
  downAfter: number;
  upAfter: number;
}

export const DEFAULT_DAMPING: DampingRules = { downAfter: 3, upAfter: 2 };

/** The memory after one round in which the device answered (`alive`) or not, at `at`. */
export function dampen(prev: ProbeMemory, alive: boolean, at: Date, rules: DampingRules = DEFAULT_DAMPING): ProbeMemory {
  const misses = alive ? 0 : prev.misses + 1;
  const hits = alive ? prev.hits + 1 : 0;
  let state = prev.state;
  if (alive && state !== 'up' && hits >= (state === 'unknown' ? 1 : rules.upAfter)) state = 'up';
  if (!alive && state !== 'down' && misses >= rules.downAfter) state = 'down';
  return { state, since: state === prev.state ? prev.since : at, misses, hits };
}

/** A fresh device's memory. */
export function unknownMemory(at: Date): ProbeMemory {
  return { state: 'unknown', since: at, misses: 0, hits: 0 };
}
