import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { missingPlatformPackages } from './fix-lockfile.js';

test('package-lock.json has an entry for every optional platform package, so npm ci accepts it', () => {
  const lock = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../package-lock.json'), 'utf8'));
  const missing = missingPlatformPackages(lock);
  assert.deepEqual(missing.map((m) => m.key), [], 'run: node --import tsx scripts/fix-lockfile.ts');
});

test('the check finds a platform package missing from a lock', () => {
  const lock = {
    packages: {
      'node_modules/x': { version: '1.0.0', optionalDependencies: { '@x/x-darwin-arm64': '1.0.0', '@x/x-linux-x64': '1.0.0', 'plain-dep': '2.0.0' } },
      'node_modules/@x/x-linux-x64': { version: '1.0.0' },
    },
  };
  assert.deepEqual(missingPlatformPackages(lock), [{ key: 'node_modules/@x/x-darwin-arm64', version: '1.0.0', os: 'darwin', cpu: 'arm64' }]);
});
