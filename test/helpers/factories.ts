/**
 * Rows for tests, inserted through the same tables the product uses. Secrets are sealed with
 * TEST_SECRET_BOX, which test containers share.
 */
import { randomBytes } from 'node:crypto';
import type { Knex } from '../../lib/db.js';
import { randomCredential } from '../../lib/credentials.js';
import { createSecretBox } from '../../lib/secret-box.js';
import { hashPassword } from '../../lib/password.js';
import type { StaffRole } from '../../lib/permissions.js';

export const TEST_SECRET_KEY = Buffer.alloc(32, 7);
export const TEST_SECRET_BOX = createSecretBox(TEST_SECRET_KEY);

export interface NasRow { id: number; ipAddress: string; secret: string }

export async function createNas(
  db: Knex,
  over: Partial<{ name: string; ipAddress: string; secret: string; coaPort: number; requireMessageAuthenticator: boolean; vendor: string; routerosUsername: string; routerosPassword: string; routerosApiPort: number; routerosApiHost: string }> = {},
): Promise<NasRow> {
  const secret = over.secret ?? randomCredential(12);
  const ipAddress = over.ipAddress ?? '127.0.0.1';
  const [row] = await db('nas')
    .insert({
      name: over.name ?? `nas-${ipAddress}`,
      ip_address: ipAddress,
      secret_enc: TEST_SECRET_BOX.seal(secret),
      vendor: over.vendor ?? 'mikrotik',
      coa_port: over.coaPort ?? 3799,
      require_message_authenticator: over.requireMessageAuthenticator ?? true,
      routeros_username: over.routerosUsername ?? null,
      routeros_password_enc: over.routerosPassword ? TEST_SECRET_BOX.seal(over.routerosPassword) : null,
      routeros_api_port: over.routerosApiPort ?? 8728,
      routeros_api_host: over.routerosApiHost ?? null,
    })
    .returning('id');
  return { id: Number(row.id), ipAddress, secret };
}

export async function createPlan(
  db: Knex,
  over: Partial<{ name: string; price: number; rateLimit: string; quotaBytes: number; fupRateLimit: string; softLimitRateLimit: string; framedPool: string; mikrotikGroup: string; sessionTimeout: number; simultaneousUse: number; billingCycle: string; cycleDays: number; serviceType: string }> = {},
): Promise<{ id: number }> {
  const [row] = await db('plans')
    .insert({
      name: over.name ?? `Plan ${randomBytes(3).toString('hex')}`,
      price: over.price ?? 150_000,
      rate_limit: over.rateLimit ?? '5M/10M',
      quota_bytes: over.quotaBytes ?? null,
      fup_rate_limit: over.fupRateLimit ?? null,
      soft_limit_rate_limit: over.softLimitRateLimit ?? null,
      framed_pool: over.framedPool ?? null,
      mikrotik_group: over.mikrotikGroup ?? null,
      session_timeout: over.sessionTimeout ?? null,
      simultaneous_use: over.simultaneousUse ?? 1,
      billing_cycle: over.billingCycle ?? 'monthly',
      cycle_days: over.cycleDays ?? null,
      service_type: over.serviceType ?? 'pppoe',
    })
    .returning('id');
  return { id: Number(row.id) };
}

export async function createCustomer(db: Knex, over: Partial<{ name: string; phone: string; email: string }> = {}): Promise<{ id: number; customerNumber: string }> {
  const [row] = await db('customers')
    .insert({ name: over.name ?? 'Budi Santoso', phone: over.phone ?? '081234567890', email: over.email ?? null })
    .returning(['id', 'customer_number']);
  return { id: Number(row.id), customerNumber: row.customer_number };
}

export async function createSubscription(
  db: Knex,
  over: Partial<{ customerId: number; planId: number; username: string; password: string; status: string; billingType: string; paidUntil: Date | null; staticIp: string; framedPool: string; anchorDay: number; serviceType: string }> = {},
): Promise<{ id: number; username: string; password: string; customerId: number; planId: number }> {
  const customerId = over.customerId ?? (await createCustomer(db)).id;
  const planId = over.planId ?? (await createPlan(db)).id;
  const username = over.username ?? `user-${randomBytes(4).toString('hex')}`;
  const password = over.password ?? randomCredential(8);
  const [row] = await db('subscriptions')
    .insert({
      customer_id: customerId,
      plan_id: planId,
      username,
      password_enc: TEST_SECRET_BOX.seal(password),
      status: over.status ?? 'active',
      billing_type: over.billingType ?? 'postpaid',
      paid_until: over.paidUntil ?? null,
      static_ip: over.staticIp ?? null,
      framed_pool: over.framedPool ?? null,
      anchor_day: over.anchorDay ?? 1,
      service_type: over.serviceType ?? 'pppoe',
    })
    .returning('id');
  return { id: Number(row.id), username, password, customerId, planId };
}

export const TEST_STAFF_PASSWORD = 'correct horse battery';

/** A staff account that can sign in (bcrypt cost 4: the tests check behaviour, not hashing speed). */
export async function createStaff(
  db: Knex,
  over: Partial<{ username: string; name: string; role: StaffRole; password: string; mustChangePassword: boolean; locale: 'id' | 'en' }> = {},
): Promise<{ id: number; username: string; password: string }> {
  const username = over.username ?? `${over.role ?? 'admin'}-${Math.random().toString(36).slice(2, 8)}`;
  const password = over.password ?? TEST_STAFF_PASSWORD;
  const [row] = await db('staff_users').insert({
    username,
    name: over.name ?? username,
    password_hash: await hashPassword(password, 4),
    role: over.role ?? 'admin',
    locale: over.locale ?? 'en',
    must_change_password: over.mustChangePassword ?? false,
  }).returning('id');
  return { id: Number(row.id), username, password };
}
