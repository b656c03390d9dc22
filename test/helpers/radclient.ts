/**
 * Drives FreeRADIUS's `radclient` (Debian package freeradius-utils) as the NAS in scenario tests,
 * and parses what it printed with -x: the reply's code and attributes.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes, randomInt } from 'node:crypto';

export interface RadclientReply {
  /**
   * e.g. `Access-Accept`, `Access-Reject`, `Accounting-Response`; null when no reply came, or none
   * that verified: radclient checks the Response Authenticator and, when present, the
   * Message-Authenticator of a reply (FreeRADIUS's own code, not ours), and drops one that fails.
   */
  code: string | null;
  /**
   * Reply attributes in order, values unquoted, e.g. ['Mikrotik-Rate-Limit', '5M/10M'];
   * Message-Authenticator among them as sent (its place is the test's to check).
   */
  attributes: Array<[string, string]>;
  stdout: string;
  stderr: string;
  exitCode: number | null;
}

/**
 * True when radclient sends this CHAP-Password (CHAP Ident + Response, RFC 2865 §5.3) as given.
 * radclient (FreeRADIUS 3.x, src/main/radclient.c send_one_packet: "Allow the user to specify
 * ASCII or hex CHAP-Password") takes a 17-octet CHAP-Password whose octets are all 32 or above for
 * a cleartext password, and sends its own CHAP encoding of those 17 octets with a random Ident
 * instead: the server then rightly answers Access-Reject. That is (7/8)^17, about 1 in 10, of
 * random Ident + MD5 values (its comment says 1/2^51). A test that sends a precomputed response
 * draws its Ident / challenge again until this holds.
 */
export function radclientSendsChapPasswordAsIs(chapPassword: Buffer): boolean {
  return chapPassword.length !== 17 || chapPassword.some((octet) => octet < 32);
}

/**
 * A CHAP-Password for `password` answering `challenge` (RFC 1994 §4.1: Ident + MD5(Ident +
 * password + challenge), 17 octets) that radclient sends as given: a random Ident, or, for the ~1
 * in 10 that radclient would replace, a random Ident below 32 (radclientSendsChapPasswordAsIs).
 */
export function chapPassword(password: string, challenge: Buffer): Buffer {
  const encode = (ident: Buffer): Buffer =>
    Buffer.concat([ident, createHash('md5').update(ident).update(password, 'utf8').update(challenge).digest()]);
  const value = encode(randomBytes(1));
  return radclientSendsChapPasswordAsIs(value) ? value : encode(Buffer.from([randomInt(32)]));
}

/**
 * Sends one request. `attributes` are radclient input lines (`User-Name = "u"`), joined by ", ".
 * radclient adds a correct Message-Authenticator for `Message-Authenticator = 0x00`.
 * Rejects a hex `CHAP-Password = 0x…` that radclient would replace (radclientSendsChapPasswordAsIs).
 */
export function radclient(opts: {
  port: number;
  secret: string;
  type: 'auth' | 'acct' | 'status' | 'coa' | 'disconnect';
  attributes: string[];
  retries?: number;
  timeoutSeconds?: number;
  host?: string;
}): Promise<RadclientReply> {
  for (const line of opts.attributes) {
    const hex = /^\s*CHAP-Password\s*=\s*0x([0-9a-f]+)\s*$/i.exec(line)?.[1];
    if (hex && !radclientSendsChapPasswordAsIs(Buffer.from(hex, 'hex'))) {
      return Promise.reject(new Error(`radclient would replace ${line.trim()} (17 octets, none below 32) with its own CHAP encoding; draw another CHAP Ident or challenge`));
    }
  }
  const args = ['-x', '-r', String(opts.retries ?? 1), '-t', String(opts.timeoutSeconds ?? 1),
    `${opts.host ?? '127.0.0.1'}:${opts.port}`, opts.type, opts.secret];
  return new Promise((resolve, reject) => {
    const child = spawn('radclient', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => { stdout += b.toString(); });
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ ...parse(stdout), stdout, stderr, exitCode }));
    child.stdin.end(opts.attributes.join(', ') + '\n');
  });
}

function parse(out: string): { code: string | null; attributes: Array<[string, string]> } {
  const lines = out.split('\n');
  const i = lines.findIndex((l) => l.startsWith('Received '));
  if (i < 0) return { code: null, attributes: [] };
  const code = /^Received (\S+)/.exec(lines[i]!)![1]!;
  const attributes: Array<[string, string]> = [];
  for (const line of lines.slice(i + 1)) {
    const m = /^\s+(\S+) = (.*)$/.exec(line);
    if (!m) break;
    attributes.push([m[1]!, m[2]!.replace(/^"(.*)"$/, '$1')]);
  }
  return { code, attributes };
}
