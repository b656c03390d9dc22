/**
 * CPE management through GenieACS (issue 14 item 3, network/genieacs/):
 * - cpe_field_mappings: where each shown field lives in a CPE's parameter tree, per data model
 *   (`igd` = TR-098 InternetGatewayDevice.…, `tr181` = TR-181 Device.…) and optionally per
 *   vendor (manufacturer or OUI) and model (product class); '' matches any. The two default rows
 *   (vendor '' and model '') are seeded here and editable in the console. `fields` maps a field
 *   name (network/genieacs/field-mapping.ts FIELD_NAMES) to a parameter path; `*` matches the
 *   first instance, `{i}` marks the Wi-Fi instance. `rx_power_divisor` turns the reported
 *   optical level into dBm (TR-181 Optical.Interface.{i}.OpticalSignalLevel is in 0.001 dBm).
 * - cpes: one row per device GenieACS knows (genieacs_id = its `_id`, "<OUI>-<ProductClass>-<Serial>"),
 *   or a link staff made by serial before GenieACS saw the device (genieacs_id NULL until the
 *   sync adopts it). A subscription has at most one CPE. `state` is the cached mapped reading
 *   (network/genieacs/read-cpe-state.ts); never a password.
 */
import type { Knex } from 'knex';

const IGD = {
  model: 'InternetGatewayDevice.DeviceInfo.ModelName',
  firmware: 'InternetGatewayDevice.DeviceInfo.SoftwareVersion',
  uptime: 'InternetGatewayDevice.DeviceInfo.UpTime',
  wan_state: 'InternetGatewayDevice.WANDevice.1.WANConnectionDevice.*.WANPPPConnection.*.ConnectionStatus',
  pppoe_username: 'InternetGatewayDevice.WANDevice.1.WANConnectionDevice.*.WANPPPConnection.*.Username',
  pppoe_password: 'InternetGatewayDevice.WANDevice.1.WANConnectionDevice.*.WANPPPConnection.*.Password',
  rx_power: '',
  inform_interval: 'InternetGatewayDevice.ManagementServer.PeriodicInformInterval',
  wifi_ssid: 'InternetGatewayDevice.LANDevice.1.WLANConfiguration.{i}.SSID',
  wifi_clients: 'InternetGatewayDevice.LANDevice.1.WLANConfiguration.{i}.TotalAssociations',
  wifi_password: 'InternetGatewayDevice.LANDevice.1.WLANConfiguration.{i}.PreSharedKey.1.KeyPassphrase',
};

const TR181 = {
  model: 'Device.DeviceInfo.ModelName',
  firmware: 'Device.DeviceInfo.SoftwareVersion',
  uptime: 'Device.DeviceInfo.UpTime',
  wan_state: 'Device.PPP.Interface.*.ConnectionStatus',
  pppoe_username: 'Device.PPP.Interface.*.Username',
  pppoe_password: 'Device.PPP.Interface.*.Password',
  rx_power: 'Device.Optical.Interface.1.OpticalSignalLevel',
  inform_interval: 'Device.ManagementServer.PeriodicInformInterval',
  wifi_ssid: 'Device.WiFi.SSID.{i}.SSID',
  wifi_clients: 'Device.WiFi.AccessPoint.{i}.AssociatedDeviceNumberOfEntries',
  wifi_password: 'Device.WiFi.AccessPoint.{i}.Security.KeyPassphrase',
};

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE cpe_field_mappings (
      id bigserial PRIMARY KEY,
      data_model text NOT NULL CHECK (data_model IN ('igd', 'tr181')),
      vendor text NOT NULL DEFAULT '' CHECK (length(vendor) <= 64),
      model text NOT NULL DEFAULT '' CHECK (length(model) <= 64),
      fields jsonb NOT NULL,
      rx_power_divisor integer NOT NULL DEFAULT 1 CHECK (rx_power_divisor BETWEEN 1 AND 100000),
      version integer NOT NULL DEFAULT 1,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX cpe_field_mappings_key ON cpe_field_mappings (data_model, lower(vendor), lower(model));

    CREATE TABLE cpes (
      id bigserial PRIMARY KEY,
      genieacs_id text UNIQUE CHECK (length(genieacs_id) <= 256),
      serial text NOT NULL CHECK (length(serial) BETWEEN 1 AND 64),
      oui text,
      product_class text,
      manufacturer text,
      data_model text CHECK (data_model IN ('igd', 'tr181')),
      subscription_id bigint UNIQUE REFERENCES subscriptions ON DELETE SET NULL,
      linked_by text CHECK (linked_by IN ('serial', 'pppoe')),
      pppoe_username text,
      last_inform timestamptz,
      inform_interval integer,
      state jsonb NOT NULL DEFAULT '{}',
      synced_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX cpes_serial ON cpes (lower(serial));
    CREATE INDEX cpes_pppoe_username ON cpes (pppoe_username) WHERE pppoe_username IS NOT NULL;
  `);
  await knex.raw(
    `INSERT INTO cpe_field_mappings (data_model, fields, rx_power_divisor) VALUES ('igd', ?::jsonb, 1), ('tr181', ?::jsonb, 1000)`,
    [JSON.stringify(IGD), JSON.stringify(TR181)],
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE cpes; DROP TABLE cpe_field_mappings');
}
