/**
 * The network the ISP bills for (ARCHITECTURE.md, "Network operations"):
 * - devices: routers (a NAS points at its device through devices.nas_id), OLTs, ODCs and ODPs
 *   (passive: port_count, no address), switches, access points, servers and subscribers' CPEs;
 *   each with an optional management address, a location and a parent (OLT → ODC → ODP; NAS →
 *   switch → access point) and the port it hangs off on that parent; SNMP credentials sealed with
 *   the secret box (lib/secret-box.ts) like every other secret; what to probe.
 * - subscriptions.device_id / device_port: the ODP port or access point a subscription hangs off,
 *   and its location (latitude, longitude) for the map.
 * - device_interfaces: a device's interfaces as SNMP IF-MIB reports them (RFC 2863), by ifIndex.
 * - device_state: the current up/down state of each probed device (the prober's memory across
 *   restarts; `since` is when the state last changed after flap damping).
 * - device_samples: raw measurements, partitioned by day (PARTITION BY RANGE on `at`), kept two
 *   days; device_samples_5m (by month, 30 days) and device_samples_1h (by month, one year) hold
 *   rollups. Retention drops whole partitions. `interface_id` 0 means the device itself.
 *   Metric names: rtt_ms, loss_pct, up (1/0), uptime_s, cpu_pct, mem_pct, if_in_bps, if_out_bps,
 *   optical_rx_dbm, optical_tx_dbm. A DEFAULT partition on each catches rows for a range whose
 *   partition was not created yet, so a late partition job never loses a sample.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE devices (
      id bigserial PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('router', 'olt', 'odc', 'odp', 'switch', 'access_point', 'server', 'cpe', 'other')),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
      address inet CHECK (address IS NULL OR masklen(address) = CASE WHEN family(address) = 4 THEN 32 ELSE 128 END),
      nas_id bigint UNIQUE REFERENCES nas ON DELETE SET NULL,
      parent_id bigint REFERENCES devices ON DELETE SET NULL CHECK (parent_id <> id),
      parent_port integer CHECK (parent_port BETWEEN 1 AND 4096),
      port_count integer CHECK (port_count BETWEEN 1 AND 4096),
      latitude numeric(9, 6) CHECK (latitude BETWEEN -90 AND 90),
      longitude numeric(9, 6) CHECK (longitude BETWEEN -180 AND 180),
      snmp_version text CHECK (snmp_version IN ('1', '2c', '3')),
      snmp_port integer NOT NULL DEFAULT 161 CHECK (snmp_port BETWEEN 1 AND 65535),
      -- v1/v2c community, sealed.
      snmp_community_enc text,
      -- v3 (RFC 3414 USM): user, auth (md5/sha/sha256/…), privacy (des/aes/…), keys sealed.
      snmp_v3_user text CHECK (length(snmp_v3_user) BETWEEN 1 AND 64),
      snmp_v3_auth_protocol text,
      snmp_v3_auth_key_enc text,
      snmp_v3_priv_protocol text,
      snmp_v3_priv_key_enc text,
      probe_ping boolean NOT NULL DEFAULT true,
      probe_snmp boolean NOT NULL DEFAULT false,
      note text CHECK (length(note) <= 2000),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1,
      UNIQUE (parent_id, parent_port)
    );
    CREATE TRIGGER devices_updated_at BEFORE UPDATE ON devices FOR EACH ROW EXECUTE FUNCTION set_updated_at();
    CREATE INDEX devices_parent ON devices (parent_id);
    CREATE UNIQUE INDEX devices_address ON devices (address) WHERE address IS NOT NULL;

    ALTER TABLE subscriptions
      ADD COLUMN device_id bigint REFERENCES devices ON DELETE SET NULL,
      ADD COLUMN device_port integer CHECK (device_port BETWEEN 1 AND 4096),
      ADD COLUMN latitude numeric(9, 6) CHECK (latitude BETWEEN -90 AND 90),
      ADD COLUMN longitude numeric(9, 6) CHECK (longitude BETWEEN -180 AND 180);
    CREATE INDEX subscriptions_device ON subscriptions (device_id) WHERE device_id IS NOT NULL;
    -- One live subscription per port (a terminated one gives its port back).
    CREATE UNIQUE INDEX subscriptions_device_port ON subscriptions (device_id, device_port)
      WHERE device_port IS NOT NULL AND status <> 'terminated';

    CREATE TABLE device_interfaces (
      id bigserial PRIMARY KEY,
      device_id bigint NOT NULL REFERENCES devices ON DELETE CASCADE,
      if_index integer NOT NULL CHECK (if_index >= 1),
      name text NOT NULL DEFAULT '',
      alias text NOT NULL DEFAULT '',
      -- bits per second (ifHighSpeed × 10^6, or ifSpeed).
      speed_bps bigint CHECK (speed_bps >= 0),
      admin_status text CHECK (admin_status IN ('up', 'down', 'testing')),
      oper_status text CHECK (oper_status IN ('up', 'down', 'testing', 'unknown', 'dormant', 'notPresent', 'lowerLayerDown')),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (device_id, if_index)
    );

    CREATE TABLE device_state (
      device_id bigint PRIMARY KEY REFERENCES devices ON DELETE CASCADE,
      state text NOT NULL DEFAULT 'unknown' CHECK (state IN ('unknown', 'up', 'down')),
      since timestamptz NOT NULL DEFAULT now(),
      last_probe_at timestamptz,
      last_up_at timestamptz,
      consecutive_misses integer NOT NULL DEFAULT 0 CHECK (consecutive_misses >= 0),
      rtt_ms real,
      loss_pct real
    );

    CREATE TABLE device_samples (
      device_id bigint NOT NULL,
      interface_id bigint NOT NULL DEFAULT 0,
      metric text NOT NULL,
      at timestamptz NOT NULL,
      value double precision NOT NULL
    ) PARTITION BY RANGE (at);
    CREATE TABLE device_samples_default PARTITION OF device_samples DEFAULT;
    CREATE INDEX device_samples_lookup ON device_samples (device_id, metric, interface_id, at);

    CREATE TABLE device_samples_5m (
      device_id bigint NOT NULL,
      interface_id bigint NOT NULL DEFAULT 0,
      metric text NOT NULL,
      bucket timestamptz NOT NULL,
      min double precision NOT NULL,
      avg double precision NOT NULL,
      max double precision NOT NULL,
      samples integer NOT NULL,
      PRIMARY KEY (device_id, interface_id, metric, bucket)
    ) PARTITION BY RANGE (bucket);
    CREATE TABLE device_samples_5m_default PARTITION OF device_samples_5m DEFAULT;

    CREATE TABLE device_samples_1h (
      device_id bigint NOT NULL,
      interface_id bigint NOT NULL DEFAULT 0,
      metric text NOT NULL,
      bucket timestamptz NOT NULL,
      min double precision NOT NULL,
      avg double precision NOT NULL,
      max double precision NOT NULL,
      samples integer NOT NULL,
      PRIMARY KEY (device_id, interface_id, metric, bucket)
    ) PARTITION BY RANGE (bucket);
    CREATE TABLE device_samples_1h_default PARTITION OF device_samples_1h DEFAULT;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TABLE device_samples_1h, device_samples_5m, device_samples, device_state, device_interfaces;
    ALTER TABLE subscriptions DROP COLUMN device_id, DROP COLUMN device_port, DROP COLUMN latitude, DROP COLUMN longitude;
    DROP TABLE devices;
  `);
}
