/**
 * RouterOS items (from an export file or the live API) into an import batch. Both sources name
 * the properties alike (MikroTik manual: "PPP AAA" — `/ppp secret` name, password, service,
 * profile, remote-address, disabled, comment; `/ppp profile` name, rate-limit, local-address,
 * remote-address; "HotSpot → User" — `/ip hotspot user` name, password, profile, address,
 * mac-address, disabled, comment; `/ip hotspot user profile` name, rate-limit, address-pool).
 *
 * - Each profile becomes a plan: a PPP profile under its own name, a hotspot user profile as
 *   `hotspot-<name>` (both menus have a built-in `default`; plan names are unique). The rate
 *   limit is kept verbatim ('0/0', RouterOS for "no limit", when the profile has none); a PPP
 *   profile's remote-address that is a pool name, or a hotspot profile's address-pool, becomes
 *   the plan's pool. The built-in profiles (`default`, `default-encryption`) are imported only
 *   when an account uses them.
 * - Each secret or hotspot user becomes a customer (key: its name; name: its comment) and a
 *   subscription keeping its password, static address (remote-address / address) and MAC;
 *   `disabled=yes` (export) or `true` (API) → suspended. Every PPP service (pppoe, pptp, l2tp,
 *   ovpn, sstp, any) authenticates the same way over RADIUS and is imported as PPP (`pppoe`).
 */
import { isIPv4 } from 'node:net';
import { normaliseMac, type ImportBatch, type ImportedPlan, type ImportSource } from './import-model.js';

export interface RouterOsItem {
  /** Where it came from: `line 12`, `/ppp/secret *1A`. */
  origin: string;
  fields: Record<string, string>;
}

export interface RouterOsItems {
  pppProfiles: RouterOsItem[];
  pppSecrets: RouterOsItem[];
  hotspotProfiles: RouterOsItem[];
  hotspotUsers: RouterOsItem[];
}

/** Profiles every router has, which exports list only as `set` lines (if at all). */
const BUILT_IN_PPP = ['default', 'default-encryption'];
const BUILT_IN_HOTSPOT = ['default'];

/** Plan name of a hotspot user profile. */
export function hotspotPlanName(profile: string): string {
  return `hotspot-${profile}`;
}

const isYes = (v: string | undefined): boolean => v === 'yes' || v === 'true';

/** Maps the items; never throws (unusable rows become refusals). */
export function batchFromRouterOs(source: ImportSource, items: RouterOsItems): ImportBatch {
  const batch: ImportBatch = { source, plans: [], customers: [], subscriptions: [], refused: [] };
  const ppp = profiles(items.pppProfiles, (name) => name, 'pppoe', (f) => (f['remote-address'] && !isIPv4(f['remote-address']) ? f['remote-address'] : null));
  const hotspot = profiles(items.hotspotProfiles, hotspotPlanName, 'hotspot', (f) => f['address-pool'] || null);
  const used = new Set<string>();

  const accounts = [
    ...items.pppSecrets.map((i) => ({ i, hotspot: false })),
    ...items.hotspotUsers.map((i) => ({ i, hotspot: true })),
  ];
  for (const { i, hotspot: isHotspot } of accounts) {
    const f = i.fields;
    const username = f.name ?? '';
    if (!username) {
      batch.refused.push({ origin: i.origin, reason: 'no_name', detail: '' });
      continue;
    }
    if (f.password === undefined || f.password === '') {
      batch.refused.push({ origin: i.origin, reason: 'no_password', detail: username });
      continue;
    }
    const mac = f['mac-address'] ? normaliseMac(f['mac-address']) : null;
    if (f['mac-address'] && !mac) {
      batch.refused.push({ origin: i.origin, reason: 'mac_address', detail: `${username}: ${f['mac-address']}` });
      continue;
    }
    const profile = f.profile || 'default';
    const planName = isHotspot ? hotspotPlanName(profile) : profile;
    used.add(planName.toLowerCase());
    const address = (isHotspot ? f.address : f['remote-address']) || null;
    const comment = f.comment?.trim() || null;
    batch.customers.push({ key: username, name: comment, phone: null, email: null, address: null, origin: i.origin });
    batch.subscriptions.push({
      username, password: f.password, serviceType: isHotspot ? 'hotspot' : 'pppoe', planName, customerKey: username,
      staticIp: address, macAddress: mac, disabled: isYes(f.disabled), notes: comment, origin: i.origin,
    });
  }

  for (const [list, builtIns, name] of [[ppp, BUILT_IN_PPP, (n: string) => n], [hotspot, BUILT_IN_HOTSPOT, hotspotPlanName]] as const) {
    for (const b of builtIns) {
      const planName = name(b);
      if (used.has(planName.toLowerCase()) && !list.some((p) => p.plan.name === planName)) {
        list.push({ plan: { name: planName, serviceType: list === ppp ? 'pppoe' : 'hotspot', rateLimit: '0/0', framedPool: null, price: null, origin: 'built-in' }, builtIn: true });
      }
    }
    for (const p of list) if (!p.builtIn || used.has(p.plan.name.toLowerCase())) batch.plans.push(p.plan);
  }
  return batch;
}

function profiles(
  items: RouterOsItem[],
  planName: (profile: string) => string,
  serviceType: 'pppoe' | 'hotspot',
  pool: (f: Record<string, string>) => string | null,
): Array<{ plan: ImportedPlan; builtIn: boolean }> {
  const out: Array<{ plan: ImportedPlan; builtIn: boolean }> = [];
  const builtIns = serviceType === 'pppoe' ? BUILT_IN_PPP : BUILT_IN_HOTSPOT;
  for (const i of items) {
    const name = i.fields.name;
    if (!name) continue;
    out.push({
      plan: { name: planName(name), serviceType, rateLimit: i.fields['rate-limit']?.trim() || '0/0', framedPool: pool(i.fields), price: null, origin: i.origin },
      builtIn: builtIns.includes(name),
    });
  }
  return out;
}
