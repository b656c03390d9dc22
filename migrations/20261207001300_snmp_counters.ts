/**
 * The SNMP poller's memory (network/snmp/, ARCHITECTURE.md "Network operations"):
 * - snmp_counters: each interface's octet counters at the last poll (IF-MIB, RFC 2863), so the
 *   next poll computes a rate even after a worker restart or on another worker. numeric(20,0)
 *   holds a full Counter64 (up to 2^64 − 1); `bits` says whether they were the 64-bit ifHC*
 *   counters or the 32-bit fallback; `uptime_ticks` is the device's sysUpTime (1/100 s) then, to
 *   tell a reboot (counters restarted) from a wrap.
 * - snmp_device_status: what the last poll of a device found (sysName, sysDescr, uptime, CPU,
 *   memory) and the last error, for the device pages.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE snmp_counters (
      interface_id bigint PRIMARY KEY REFERENCES device_interfaces ON DELETE CASCADE,
      bits smallint NOT NULL CHECK (bits IN (32, 64)),
      in_octets numeric(20, 0) NOT NULL CHECK (in_octets >= 0 AND in_octets < 18446744073709551616),
      out_octets numeric(20, 0) NOT NULL CHECK (out_octets >= 0 AND out_octets < 18446744073709551616),
      uptime_ticks bigint NOT NULL CHECK (uptime_ticks >= 0),
      at timestamptz NOT NULL
    );

    CREATE TABLE snmp_device_status (
      device_id bigint PRIMARY KEY REFERENCES devices ON DELETE CASCADE,
      sys_name text NOT NULL DEFAULT '',
      sys_descr text NOT NULL DEFAULT '',
      uptime_s bigint,
      cpu_pct real,
      mem_pct real,
      -- last successful poll
      polled_at timestamptz,
      -- last failed poll and why (timeout, authentication…); cleared by a success
      error text,
      error_at timestamptz
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE snmp_device_status, snmp_counters');
}
