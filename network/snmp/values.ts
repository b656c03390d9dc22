/**
 * Promise wrappers over net-snmp's callbacks and decoders for the values it hands back
 * (net-snmp README, "OID Strings & Varbinds": integers as numbers, OctetString and Counter64 as
 * Buffers, OIDs as dotted strings).
 */
import { isVarbindError, type Session, type VarbindValue } from 'net-snmp';

/**
 * GET of scalar instances. A missing object (noSuchObject/noSuchInstance, RFC 3416 §4.2.1) is
 * absent from the map; a timeout or an error-status rejects.
 */
export function snmpGet(session: Session, oids: string[]): Promise<Map<string, VarbindValue>> {
  return new Promise((resolve, reject) => {
    session.get(oids, (error, varbinds) => {
      if (error) return reject(error);
      const out = new Map<string, VarbindValue>();
      for (const vb of varbinds ?? []) if (!isVarbindError(vb)) out.set(vb.oid, vb.value);
      resolve(out);
    });
  });
}

/**
 * Walks `columns` of the table at `tableOid` (GETBULK in v2c/v3, GETNEXT in v1) and returns rows
 * by their single integer index (ifIndex, hrStorageIndex…): row → column number → value.
 * An absent table gives an empty map.
 */
export function snmpColumns(session: Session, tableOid: string, columns: number[], maxRepetitions = 25): Promise<Map<number, Map<number, VarbindValue>>> {
  return new Promise((resolve, reject) => {
    session.tableColumns(tableOid, columns, maxRepetitions, (error, table) => {
      if (error) return reject(error);
      const rows = new Map<number, Map<number, VarbindValue>>();
      for (const [index, cells] of Object.entries(table ?? {})) {
        if (!/^\d+$/.test(index)) continue;
        rows.set(Number(index), new Map(Object.entries(cells).map(([col, v]) => [Number(col), v])));
      }
      resolve(rows);
    });
  });
}

/** An unsigned integer value as bigint: Counter32/Gauge32 numbers, or a Counter64 Buffer (big-endian, any length up to 9 bytes). */
export function toBigInt(value: VarbindValue | undefined): bigint | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return BigInt(value);
  if (Buffer.isBuffer(value)) {
    if (value.length === 0 || value.length > 9) return undefined;
    return BigInt(`0x${value.toString('hex')}`) & 0xffff_ffff_ffff_ffffn;
  }
  return undefined;
}

/** An integer value (Integer32, Gauge32, TimeTicks), or undefined. */
export function toInt(value: VarbindValue | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A DisplayString as text (RFC 2579: NVT ASCII; UTF-8 here, trailing NULs dropped), or ''. */
export function toText(value: VarbindValue | undefined): string {
  if (Buffer.isBuffer(value)) return value.toString('utf8').replace(/\0+$/, '');
  return typeof value === 'string' ? value : '';
}
