/**
 * RADIUS attribute dictionary: names, numbers and data types, read from FreeRADIUS-format
 * dictionary files. The RFC dictionaries come from the `radius` package; the vendor dictionaries
 * we need (MikroTik 14988, Microsoft 311, WISPr 14122) ship in aaa/dictionaries/.
 *
 * Supported lines: ATTRIBUTE name number type [flags], VALUE attr name number, VENDOR name id,
 * BEGIN-VENDOR name / END-VENDOR. Flags honoured: `encrypt=1` (User-Password hiding,
 * RFC 2865 §5.2), `has_tag` (RFC 2868 §3.1). Anything else in a file is an error at load time.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type DataType =
  | 'string' | 'octets' | 'ipaddr' | 'integer' | 'date' | 'ipv6addr' | 'ipv6prefix' | 'ifid'
  | 'integer64' | 'byte' | 'short' | 'signed' | 'ether' | 'abinary' | 'tlv' | 'vsa';

export interface AttributeDef {
  name: string;
  /** Attribute number; for a vendor attribute, its number inside the Vendor-Specific attribute. */
  code: number;
  /** 0 for standard attributes, else the IANA enterprise number (14988 = MikroTik). */
  vendorId: number;
  dataType: DataType;
  /** 1 = User-Password hiding (RFC 2865 §5.2); 0 = none. */
  encrypt: number;
  hasTag: boolean;
  /** Named integer values, e.g. Acct-Status-Type Start → 1. */
  values: ReadonlyMap<string, number>;
  valueNames: ReadonlyMap<number, string>;
}

const DATA_TYPES = new Set<DataType>([
  'string', 'octets', 'ipaddr', 'integer', 'date', 'ipv6addr', 'ipv6prefix', 'ifid',
  'integer64', 'byte', 'short', 'signed', 'ether', 'abinary', 'tlv', 'vsa',
]);

export class Dictionary {
  private readonly byName = new Map<string, AttributeDef>();
  private readonly byKey = new Map<number, AttributeDef>();
  private readonly vendors = new Map<string, number>();

  /** The attribute called `name` (case-insensitive). @throws Error for an unknown name. */
  attr(name: string): AttributeDef {
    const def = this.byName.get(name.toLowerCase());
    if (!def) throw new Error(`unknown RADIUS attribute ${name}`);
    return def;
  }

  /** The attribute `code` of `vendorId` (0: standard), or undefined. */
  find(vendorId: number, code: number): AttributeDef | undefined {
    return this.byKey.get(vendorId * 256 + code);
  }

  has(name: string): boolean {
    return this.byName.has(name.toLowerCase());
  }

  vendorId(name: string): number | undefined {
    return this.vendors.get(name.toLowerCase());
  }

  /** Parses one dictionary file's text into this dictionary. @throws Error naming the file and line. */
  load(text: string, fileName: string): this {
    let vendor = 0;
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.replace(/#.*/, '').trim();
      if (!line) continue;
      const f = line.split(/\s+/);
      const fail = (why: string): never => {
        throw new Error(`${fileName}:${i + 1}: ${why}: ${line}`);
      };
      switch (f[0]) {
        case 'VENDOR': {
          const id = Number(f[2]);
          if (!f[1] || !Number.isInteger(id) || id <= 0) fail('bad VENDOR');
          this.vendors.set(f[1]!.toLowerCase(), id);
          break;
        }
        case 'BEGIN-VENDOR': {
          const id = this.vendors.get((f[1] ?? '').toLowerCase());
          if (id === undefined) fail('BEGIN-VENDOR of an undeclared vendor');
          vendor = id!;
          break;
        }
        case 'END-VENDOR':
          vendor = 0;
          break;
        case 'ATTRIBUTE': {
          const [, name, num, type, flags = ''] = f;
          const code = Number(num);
          const dataType = (type ?? '').replace(/\[\d+\]$/, '') as DataType;
          if (!name || !Number.isInteger(code) || code < 1 || code > 255) fail('bad ATTRIBUTE');
          if (!DATA_TYPES.has(dataType)) fail(`unknown data type ${type}`);
          const def: AttributeDef = {
            name: name!,
            code,
            vendorId: vendor,
            dataType,
            encrypt: Number(/encrypt=(\d)/.exec(flags)?.[1] ?? 0),
            hasTag: flags.includes('has_tag'),
            values: new Map(),
            valueNames: new Map(),
          };
          this.byName.set(name!.toLowerCase(), def);
          if (!this.byKey.has(vendor * 256 + code)) this.byKey.set(vendor * 256 + code, def);
          break;
        }
        case 'VALUE': {
          const [, attrName, valueName, num] = f;
          const def = this.byName.get((attrName ?? '').toLowerCase());
          const n = Number(num);
          if (!def || !valueName || !Number.isInteger(n)) fail('bad VALUE');
          (def!.values as Map<string, number>).set(valueName!, n);
          if (!def!.valueNames.has(n)) (def!.valueNames as Map<number, string>).set(n, valueName!);
          break;
        }
        default:
          fail('unsupported dictionary keyword');
      }
    }
    return this;
  }
}

const require = createRequire(import.meta.url);
const OWN_DIR = fileURLToPath(new URL('../dictionaries', import.meta.url));

/** The dictionary files the project uses: the `radius` package's RFC set, then ours. */
export function dictionaryFiles(): string[] {
  const rfcDir = path.join(path.dirname(require.resolve('radius/package.json')), 'dictionaries');
  const rfc = fs.readdirSync(rfcDir).filter((f) => f.startsWith('dictionary.')).sort();
  const own = fs.readdirSync(OWN_DIR).filter((f) => f.startsWith('dictionary.')).sort();
  return [...rfc.map((f) => path.join(rfcDir, f)), ...own.map((f) => path.join(OWN_DIR, f))];
}

let shared: Dictionary | undefined;

/** The project dictionary, loaded once (it is immutable after loading). */
export function dictionary(): Dictionary {
  if (!shared) {
    const d = new Dictionary();
    for (const file of dictionaryFiles()) d.load(fs.readFileSync(file, 'utf8'), path.basename(file));
    shared = d;
  }
  return shared;
}
