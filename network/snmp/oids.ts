/**
 * The OIDs the SNMP poller reads (ARCHITECTURE.md, "Network operations"). Every MikroTik RouterOS
 * device answers all of them: RouterOS's SNMP page lists MIB-2, IF-MIB and HOST-RESOURCES-MIB among
 * the MIBs it implements (https://help.mikrotik.com/docs/spaces/ROS/pages/8978519/SNMP, "Management
 * information base"; older: https://wiki.mikrotik.com/wiki/Manual:SNMP). Its own MIKROTIK-MIB
 * (1.3.6.1.4.1.14988) is not needed for CPU, memory or traffic.
 */

/** SNMPv2-MIB system group (RFC 3418 §2). Scalars: append `.0`. */
export const SYSTEM = {
  /** DisplayString: the device's description (RouterOS: "RouterOS CCR2004-…"). */
  sysDescr: '1.3.6.1.2.1.1.1.0',
  /** TimeTicks (1/100 s) since the agent (re)started; goes down when the device reboots. */
  sysUpTime: '1.3.6.1.2.1.1.3.0',
  /** DisplayString: the device's administratively assigned name (RouterOS: /system identity). */
  sysName: '1.3.6.1.2.1.1.5.0',
} as const;

/** HOST-RESOURCES-MIB (RFC 2790). */
export const HOST_RESOURCES = {
  /** hrProcessorTable (RFC 2790 §6, hrDevice group); column 2 hrProcessorLoad: % busy over the last minute, per CPU. */
  hrProcessorTable: '1.3.6.1.2.1.25.3.3',
  hrProcessorLoadColumn: 2,
  /** hrStorageTable (RFC 2790 §5, hrStorage group): columns 2 type, 4 allocation units (bytes), 5 size, 6 used (in units). */
  hrStorageTable: '1.3.6.1.2.1.25.2.3',
  hrStorageColumns: { type: 2, allocationUnits: 4, size: 5, used: 6 },
  /** hrStorageType value of RAM (hrStorageTypes 2: hrStorageRam). RouterOS reports its RAM as such a row. */
  hrStorageRam: '1.3.6.1.2.1.25.2.1.2',
} as const;

/** IF-MIB (RFC 2863 §6). `ifEntry` columns under ifTable, `ifXEntry` columns under ifXTable. */
export const IF_MIB = {
  ifTable: '1.3.6.1.2.1.2.2',
  ifColumns: {
    ifDescr: 2,
    /** Gauge32 bits/s; 4,294,967,295 means "faster than that: read ifHighSpeed". */
    ifSpeed: 5,
    /** 1 up, 2 down, 3 testing. */
    ifAdminStatus: 7,
    /** 1 up, 2 down, 3 testing, 4 unknown, 5 dormant, 6 notPresent, 7 lowerLayerDown. */
    ifOperStatus: 8,
    /** Counter32 octets: wraps after 2^32 (34 s at 1 Gbit/s), so only the fallback. */
    ifInOctets: 10,
    ifOutOctets: 16,
  },
  ifXTable: '1.3.6.1.2.1.31.1.1',
  ifXColumns: {
    ifName: 1,
    /** Counter64 octets (RFC 2863 §3.1.6: required for interfaces faster than 20 Mbit/s); absent in SNMPv1. */
    ifHCInOctets: 6,
    ifHCOutOctets: 10,
    /** Gauge32 in units of 1,000,000 bits/s. */
    ifHighSpeed: 15,
    ifAlias: 18,
  },
} as const;

/**
 * DOT3-EPON-MIB (RFC 4837 §5) dot3ExtPkgOptIfTable, indexed by ifIndex, "applicable for an OLT and
 * an ONU": column 2 dot3ExtPkgOptIfInputPower and 7 dot3ExtPkgOptIfOutputPower, Integer32 in units
 * of 0.1 dBm. The only IETF-standard optical power objects for a PON; GPON OLTs publish theirs in
 * vendor MIBs only (Huawei HUAWEI-XPON-MIB, ZTE ZXGPON-*, which the poller does not read).
 */
export const DOT3_EPON = {
  dot3ExtPkgOptIfTable: '1.3.6.1.2.1.155.1.4.1.5',
  inputPowerColumn: 2,
  outputPowerColumn: 7,
} as const;

/** ifAdminStatus values (RFC 2863 §6, ifAdminStatus). */
export const ADMIN_STATUS: Record<number, 'up' | 'down' | 'testing'> = { 1: 'up', 2: 'down', 3: 'testing' };

/** ifOperStatus values (RFC 2863 §6, ifOperStatus). */
export const OPER_STATUS: Record<number, OperStatus> = {
  1: 'up',
  2: 'down',
  3: 'testing',
  4: 'unknown',
  5: 'dormant',
  6: 'notPresent',
  7: 'lowerLayerDown',
};

export type OperStatus = 'up' | 'down' | 'testing' | 'unknown' | 'dormant' | 'notPresent' | 'lowerLayerDown';
