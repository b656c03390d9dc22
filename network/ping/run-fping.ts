/**
 * Runs `fping` (https://fping.org, Debian package `fping`, found on the PATH) once over many
 * targets: `fping -C <count> -q -p <period> -t <timeout> -i <interval> -r 0`, targets on stdin.
 * One process sends every ICMP echo from one raw socket, which Node cannot open itself; 1,000
 * targets × 3 probes take about 3 s at a 1 ms inter-packet interval. fping exits 1 when some
 * target did not answer: that is a normal round, not an error.
 *
 * Errors: FpingMissingError when fping is not installed; Error for exit codes ≥ 3 (bad options,
 * a system call failure such as no permission to open the raw socket).
 */
import { spawn } from 'node:child_process';
import { parseFpingOutput, type ProbeResults } from './fping-output.js';

export interface FpingOptions {
  /** Probes per target (-C). */
  count: number;
  /** Milliseconds between probes to one target (-p). */
  periodMs: number;
  /** Milliseconds to wait for a reply (-t). */
  timeoutMs: number;
  /** Milliseconds between any two packets sent (-i). */
  intervalMs: number;
  /** The executable; default `fping` from the PATH. */
  command?: string;
}

export const DEFAULT_FPING: FpingOptions = { count: 3, periodMs: 20, timeoutMs: 500, intervalMs: 1 };

export class FpingMissingError extends Error {
  constructor(command: string) {
    super(`${command} is not installed or not on the PATH: install the Debian package "fping" (apt-get install fping) to probe devices`);
    this.name = 'FpingMissingError';
  }
}

/** What one run saw. */
export interface FpingRun {
  results: ProbeResults;
}

export function runFping(targets: readonly string[], opts: FpingOptions = DEFAULT_FPING): Promise<FpingRun> {
  const command = opts.command ?? 'fping';
  if (targets.length === 0) return Promise.resolve({ results: new Map() });
  const args = ['-C', String(opts.count), '-q', '-p', String(opts.periodMs), '-t', String(opts.timeoutMs), '-i', String(opts.intervalMs), '-r', '0'];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (err: NodeJS.ErrnoException) => reject(err.code === 'ENOENT' ? new FpingMissingError(command) : err));
    child.on('close', (code) => {
      if (code !== null && code >= 3) return reject(new Error(`fping exited with ${code}: ${stderr.trim().slice(0, 500)}`));
      resolve({ results: parseFpingOutput(stderr) });
    });
    child.stdin.on('error', () => undefined); // the child's own error is reported above
    child.stdin.end(targets.join('\n') + '\n');
  });
}
