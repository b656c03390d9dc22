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

test('docker-compose.yml validates and runs postgres, redis and the three roles from one image', async () => {
  const r = await compose(['config'], SECRETS);
  assert.equal(r.code, 0, r.stderr);
  const services = await compose(['config', '--services'], SECRETS);
  assert.deepEqual(services.stdout.trim().split('\n').sort(), ['postgres', 'radius', 'redis', 'web', 'worker']);
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
