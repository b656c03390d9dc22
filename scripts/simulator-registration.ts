/**
 * Puts a simulated router (simulator/start-simulator.ts) into the product's database, so the
 * server treats it like a real one:
 * - the NAS at the simulator's address (seed:load's `seedLoad`: NAS, plan "Load test 10M",
 *   subscribers user1..userN / pass1..passN, every tenth suspended), then its CoA port and its
 *   RouterOS API login (host, port, user, sealed password) on that NAS row;
 * - devices: the router (kind router, linked to the NAS) and the downstream devices under it,
 *   with SNMP v2c on their port and the community sealed (lib/secret-box.ts), probed by ping and
 *   SNMP; matched by address, so running the simulator again updates them.
 * The shared secret: the one given, else the NAS row's current one (reused), else a new random one.
 */
import { randomBytes } from 'node:crypto';
import type { Knex } from '../lib/db.js';
import type { SecretBox } from '../lib/secret-box.js';
import type { SimulatorEndpoints } from '../simulator/start-simulator.js';
import { seedLoad } from './seed-load.js';

/** The secret to use for the NAS at `nasIp`: `given`, the stored one, or a fresh one. */
export async function simulatorSecret(db: Knex, secrets: SecretBox, nasIp: string, given?: string): Promise<string> {
  if (given) return given;
  const row = await db('nas').where({ ip_address: nasIp }).first('secret_enc');
  if (row) {
    try {
      return secrets.open(row.secret_enc);
    } catch {
      // sealed with another key: replaced below
    }
  }
  return `sim-${randomBytes(9).toString('base64url')}`;
}

/** Registers NAS, subscribers and devices; idempotent. Returns the NAS id. */
export async function registerSimulator(db: Knex, secrets: SecretBox, e: SimulatorEndpoints, subscribers: number): Promise<number> {
  const { nasId } = await seedLoad(db, secrets, { subscribers, nasIp: e.nasIp, secret: e.secret });
  await db('nas').where({ id: nasId }).update({
    name: `Simulator ${e.nasIp}`,
    coa_port: e.coaPort,
    routeros_api_host: e.nasIp,
    routeros_api_port: e.api.port,
    routeros_api_tls: false,
    routeros_username: e.api.username,
    routeros_password_enc: secrets.seal(e.api.password),
    description: 'A simulated MikroTik (npm run simulate). Delete it when you have real routers.',
  });
  const community = secrets.seal(e.snmp.community);
  const upsert = async (d: { kind: string; name: string; address: string; port: number; parentId: number | null; nasId: number | null }): Promise<number> => {
    const { rows } = await db.raw(
      `INSERT INTO devices (kind, name, address, nas_id, parent_id, snmp_version, snmp_port, snmp_community_enc, probe_ping, probe_snmp)
       VALUES (?, ?, ?, ?, ?, '2c', ?, ?, true, true)
       ON CONFLICT (address) WHERE address IS NOT NULL DO UPDATE
         SET kind = EXCLUDED.kind, name = EXCLUDED.name, nas_id = EXCLUDED.nas_id, parent_id = EXCLUDED.parent_id,
             snmp_version = '2c', snmp_port = EXCLUDED.snmp_port, snmp_community_enc = EXCLUDED.snmp_community_enc
       RETURNING id`,
      [d.kind, d.name, d.address, d.nasId, d.parentId, d.port, community],
    );
    return Number((rows as Array<{ id: number }>)[0]!.id);
  };
  const routerId = await upsert({ kind: 'router', name: e.identity, address: e.nasIp, port: e.snmp.port, parentId: null, nasId });
  for (const d of e.devices) await upsert({ kind: d.kind, name: d.name, address: d.address, port: d.port, parentId: routerId, nasId: null });
  return nasId;
}
