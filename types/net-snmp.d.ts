// Minimal types for net-snmp (https://github.com/markabrahams/node-net-snmp, README "Application:
// Command & Notification Generator" and "Application: SNMP Agent"): what network/snmp/ uses.
declare module 'net-snmp' {
  export const Version1: 0;
  export const Version2c: 1;
  export const Version3: 3;
  export type Version = 0 | 1 | 3;

  export const ObjectType: {
    Boolean: 1; Integer: 2; OctetString: 4; Null: 5; OID: 6; IpAddress: 64; Counter: 65; Counter32: 65;
    Gauge: 66; Gauge32: 66; TimeTicks: 67; Opaque: 68; Counter64: 70; NoSuchObject: 128;
    NoSuchInstance: 129; EndOfMibView: 130;
  };
  export const SecurityLevel: { noAuthNoPriv: 1; authNoPriv: 2; authPriv: 3 };
  export const AuthProtocols: { none: 1; md5: 2; sha: 3; sha224: 4; sha256: 5; sha384: 6; sha512: 7 };
  export const PrivProtocols: { none: 1; des: 2; aes: 4; aes256b: 6; aes256r: 8 };
  export const MibProviderType: { Scalar: 1; Table: 2 };
  export const MaxAccess: Record<'not-accessible' | 'accessible-for-notify' | 'read-only' | 'read-write' | 'read-create', number>;

  /** A value as decoded: numbers for integer types, Buffer for OctetString/Opaque/Counter64, string for OID/IpAddress. */
  export type VarbindValue = number | string | Buffer | boolean | null;
  export interface Varbind { oid: string; type: number; value: VarbindValue }

  export interface User {
    name: string;
    level: number;
    authProtocol?: number;
    authKey?: string;
    privProtocol?: number;
    privKey?: string;
  }

  export interface SessionOptions {
    port?: number;
    retries?: number;
    timeout?: number;
    backoff?: number;
    transport?: 'udp4' | 'udp6';
    version?: Version;
    idBitsSize?: 16 | 32;
    context?: string;
  }

  export class RequestFailedError extends Error { status: number }
  export class RequestTimedOutError extends Error {}

  export interface Session {
    get(oids: string[], cb: (error: Error | null, varbinds?: Varbind[]) => void): void;
    tableColumns(oid: string, columns: number[], maxRepetitions: number, cb: (error: Error | null, table?: Record<string, Record<string, VarbindValue>>) => void): void;
    close(): void;
    on(event: 'error', cb: (error: Error) => void): void;
  }

  export function createSession(target: string, community: string, options?: SessionOptions): Session;
  export function createV3Session(target: string, user: User, options?: SessionOptions): Session;
  export function isVarbindError(varbind: Varbind): boolean;
  export function varbindError(varbind: Varbind): string;

  export interface ScalarProvider { name: string; type: 1; oid: string; scalarType: number; maxAccess: number }
  export interface TableColumn { number: number; name: string; type: number; maxAccess: number }
  export interface TableProvider {
    name: string;
    type: 2;
    oid: string;
    maxAccess: number;
    tableColumns: TableColumn[];
    tableIndex?: Array<{ columnName: string; foreign?: string }>;
    tableAugments?: string;
  }
  export interface Mib {
    registerProvider(provider: ScalarProvider | TableProvider): void;
    setScalarValue(name: string, value: VarbindValue): void;
    addTableRow(name: string, row: VarbindValue[]): void;
    setTableSingleCell(name: string, columnNumber: number, rowIndex: number[], value: VarbindValue): void;
    deleteTableRow(name: string, rowIndex: number[]): void;
  }
  export interface Authorizer {
    addCommunity(community: string): void;
    addUser(user: User): void;
  }
  export interface AgentOptions {
    port?: number;
    address?: string | null;
    transport?: 'udp4' | 'udp6';
    disableAuthorization?: boolean;
    engineID?: string;
  }
  export interface Agent {
    getMib(): Mib;
    getAuthorizer(): Authorizer;
    close(cb?: () => void): void;
  }
  export function createAgent(options: AgentOptions, callback: (error: Error | null, data: unknown) => void, mib?: Mib): Agent;
}
