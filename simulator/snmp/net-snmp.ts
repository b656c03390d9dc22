/**
 * The part of the `net-snmp` package (npm, v3) the simulator's agents use, typed here: the
 * package ships no types. Loaded with require so this file does not depend on a declaration
 * anyone else writes for the package.
 */
import { createRequire } from 'node:module';
import type dgram from 'node:dgram';

export interface MibRequest {
  oid: string;
  instanceNode: { value: unknown };
  done(error?: { errorStatus: number }): void;
}

export interface ColumnDef {
  number: number;
  name: string;
  type: number;
  maxAccess: number;
}

export interface ProviderDef {
  name: string;
  type: number;
  oid: string;
  maxAccess: number;
  scalarType?: number;
  tableColumns?: ColumnDef[];
  tableIndex?: Array<{ columnName: string; foreign?: string }>;
  handler?(req: MibRequest): void;
}

export interface Mib {
  registerProvider(def: ProviderDef): void;
  setScalarValue(name: string, value: unknown): void;
  addTableRow(table: string, row: unknown[]): void;
  setTableSingleCell(table: string, columnNumber: number, rowIndex: unknown[], value: unknown): void;
}

export interface Agent {
  getMib(): Mib;
  getAuthorizer(): { addCommunity(c: string): void; deleteCommunity(c: string): void };
  close(callback?: () => void): void;
  listener: { sockets: Record<string, dgram.Socket> };
}

export interface NetSnmp {
  createAgent(options: { port: number; address: string; disableAuthorization?: boolean; transport?: string }, callback: (error: Error | null) => void): Agent;
  MibProviderType: { Scalar: number; Table: number };
  ObjectType: Record<'Integer' | 'OctetString' | 'OID' | 'TimeTicks' | 'Counter32' | 'Gauge32' | 'Counter64', number>;
  MaxAccess: Record<'not-accessible' | 'read-only', number>;
}

export const snmp = createRequire(import.meta.url)('net-snmp') as NetSnmp;
