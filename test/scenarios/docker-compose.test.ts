/**
 * docker-compose.yml for production is valid Compose, and refuses to start without the secrets
 * it needs. No Docker engine runs in CI; `docker-compose config` validates without one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

function compose(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('docker-compose', ['-f', 'docker-compose.yml', ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const SECRETS = { POSTGRES_PASSWORD: 'compose-test-pw', APP_SECRET_KEY: 'a'.repeat(64) };

/** The services of `docker-compose config` output, each with its block of text (docker-compose 1.x prints every profile's services). */
function serviceBlocks(config: string): Map<string, string> {
  const services = /^services:\n([\s\S]*?)^\S/m.exec(config)?.[1] ?? '';
  return new Map(services.split(/^(?=  \S)/m).filter(Boolean).map((block) => [/^  (\S+):/.exec(block)![1]!, block]));
}

test('docker-compose.yml validates and runs postgres, redis and the three roles from one image', async () => {
  const r = await compose(['config'], SECRETS);
  assert.equal(r.code, 0, r.stderr);
  const withoutProfile = [...serviceBlocks(r.stdout)].filter(([, block]) => !/^    profiles:/m.test(block)).map(([name]) => name);
  assert.deepEqual(withoutProfile.sort(), ['postgres', 'radius', 'redis', 'web', 'worker']);
  for (const role of ['radius', 'web', 'worker']) assert.match(r.stdout, new RegExp(`ROLE: ${role}`));
  for (const port of [1812, 1813]) {
    assert.match(r.stdout, new RegExp(`- protocol: udp\\n\\s+published: ${port}\\n\\s+target: ${port}`), `UDP ${port} published`);
  }
  assert.match(r.stdout, /DATABASE_URL: postgres:\/\/isp:compose-test-pw@postgres:5432\/isp/);
  assert.match(r.stdout, /maxmemory-policy/);
});

test('docker-compose refuses to run without APP_SECRET_KEY or POSTGRES_PASSWORD', async () => {
  const noKey = await compose(['config', '-q'], { POSTGRES_PASSWORD: 'x' });
  assert.notEqual(noKey.code, 0);
  assert.match(noKey.stderr, /APP_SECRET_KEY/);
  const noPassword = await compose(['config', '-q'], { APP_SECRET_KEY: 'a'.repeat(64) });
  assert.notEqual(noPassword.code, 0);
  assert.match(noPassword.stderr, /POSTGRES_PASSWORD/);
});

test('the radius-scale profile adds a second radius instance on the same database, on its own published ports', async () => {
  const r = await compose(['--profile', 'radius-scale', 'config'], SECRETS);
  assert.equal(r.code, 0, r.stderr);
  const services = serviceBlocks(r.stdout);
  const second = services.get('radius-2');
  assert.ok(second, `radius-2 in the profile: ${[...services.keys()].join(', ')}`);
  assert.match(second, /^    profiles:\n    - radius-scale$/m);
  assert.match(second, /ROLE: radius/);
  assert.match(second, /DATABASE_URL: postgres:\/\/isp:compose-test-pw@postgres:5432\/isp/, 'the one database of the first instance');
  for (const [published, target] of [[11812, 1812], [11813, 1813]]) {
    assert.match(second, new RegExp(`- protocol: udp\\n\\s+published: ${published}\\n\\s+target: ${target}`), `UDP ${published} → ${target}`);
  }
  for (const name of ['radius', 'radius-2']) {
    assert.match(services.get(name)!, /RADIUS_PROCESSES: auto/, `${name}: Access-Request processes from the cores`);
    assert.match(services.get(name)!, /RADIUS_ACCT_PROCESSES: auto/, `${name}: accounting processes apart`);
  }
  assert.ok(services.has('web') && services.has('worker'), 'beside the web and worker services');
});
