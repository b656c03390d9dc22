/**
 * The common shape every import source is parsed into (RouterOS export file, live RouterOS API,
 * customers CSV, phpnuxbill and daloRADIUS dumps), before billing/import/plan-import.ts compares it with the database and
 * billing/import/commit-import.ts writes it. A parser never touches the database: it turns its
 * source into plans, customers and subscriptions, and rows it cannot use into refusals with the
 * reason and where they came from.
 *
 * Matching keys (what makes a second run idempotent):
 * - plan: its name (a RouterOS profile name), compared without regard to case;
 * - subscription: its username (PPP secret name / hotspot user name), without regard to case;
 * - customer: `key`, the source's own key for the customer (a PPP secret's name, the CSV's
 *   `customer_key`); in the database a customer is found through the subscriptions it has.
 */

export type ImportSource = 'mikrotik' | 'routeros-export' | 'csv' | 'phpnuxbill' | 'daloradius';
export const IMPORT_SOURCES: readonly ImportSource[] = ['mikrotik', 'routeros-export', 'csv', 'phpnuxbill', 'daloradius'];

export type ServiceType = 'pppoe' | 'hotspot';

export interface ImportedPlan {
  /** The profile name, verbatim. */
  name: string;
  serviceType: ServiceType;
  /** Mikrotik-Rate-Limit text kept verbatim; '0/0' (RouterOS: no limit) when the profile has none. */
  rateLimit: string;
  /** IP pool the profile hands out (`remote-address=<pool>`), or null. */
  framedPool: string | null;
  /** Integer rupiah, or null when the source has no price (the plan is created at 0, to fill in later; an existing price is kept). */
  price: number | null;
  /** Where it came from, for messages: `line 12`, `/ppp/profile *2`, `row 3`. */
  origin: string;
}

export interface ImportedCustomer {
  /** The source's key for this customer; subscriptions refer to it. */
  key: string;
  /** Null when the source has none: a new customer is then named by its key, an existing one keeps its name. */
  name: string | null;
  phone: string | null;
  email: string | null;
  address: string | null;
  origin: string;
}

export interface ImportedSubscription {
  username: string;
  /** Cleartext as the router had it; sealed with lib/secret-box.ts on commit (PAP, CHAP and MS-CHAP need it). */
  password: string;
  serviceType: ServiceType;
  /** Name of a plan in the same batch or already in the database. */
  planName: string;
  customerKey: string;
  /** IPv4 (`remote-address=` an address, not a pool), or null. */
  staticIp: string | null;
  /** Normalised AA:BB:CC:DD:EE:FF, or null. */
  macAddress: string | null;
  /** RouterOS `disabled=yes` → suspended. */
  disabled: boolean;
  /** The source's comment (RouterOS `comment=`), kept as the subscription's notes. */
  notes: string | null;
  origin: string;
}

/** Why a source row was not used; `reason` is a locale key suffix (`import.reason.<reason>`). */
export type RefusalReason =
  | 'syntax'
  | 'no_name'
  | 'username_format'
  | 'no_password'
  | 'unknown_plan'
  | 'rate_limit'
  | 'static_ip'
  | 'mac_address'
  | 'duplicate'
  | 'price';

export interface Refusal {
  origin: string;
  reason: RefusalReason;
  /** The offending value or a short explanation (never a password). */
  detail: string;
}

/** What a parser hands to the planner. */
export interface ImportBatch {
  source: ImportSource;
  plans: ImportedPlan[];
  customers: ImportedCustomer[];
  subscriptions: ImportedSubscription[];
  refused: Refusal[];
}

/** Normalises a MAC address to AA:BB:CC:DD:EE:FF; null when it is not one. */
export function normaliseMac(text: string): string | null {
  const hex = text.replace(/[^0-9a-fA-F]/g, '');
  if (hex.length !== 12 || !/^[0-9A-Fa-f:.-]+$/.test(text)) return null;
  return hex.toUpperCase().match(/../g)!.join(':');
}
