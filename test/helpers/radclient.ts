/**
 * Drives FreeRADIUS's `radclient` (Debian package freeradius-utils) as the NAS in scenario tests,
 * and parses what it printed with -x: the reply's code and attributes.
 */
import { spawn } from 'node:child_process';

export interface RadclientReply {
  /** e.g. `Access-Accept`, `Access-Reject`, `Accounting-Response`; null when no reply came. */
  code: string | null;
  /** Reply attributes in order, values unquoted, e.g. ['Mikrotik-Rate-Limit', '5M/10M']. */
  attributes: Array<[string, string]>;
  stdout: string;
  stderr: string;
  exitCode: number | null;
}

/**
 * Sends one request. `attributes` are radclient input lines (`User-Name = "u"`), joined by ", ".
 * radclient adds a correct Message-Authenticator for `Message-Authenticator = 0x00`.
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
