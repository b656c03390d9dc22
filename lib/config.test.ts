/**
 * loadConfig: defaults, ROLE lists, bounds, the time zone, the production key requirement, an
 * absolute DATA_DIR and boolean parsing; every error names its variable.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from './config.js';

describe('defaults', () => {
  test('an empty environment gives the documented defaults', () => {
    const c = loadConfig({});
    assert.equal(c.NODE_ENV, 'development');
    assert.deepEqual(c.ROLE, ['radius', 'web', 'worker']);
    assert.equal(c.DATABASE_URL, undefined);
    assert.equal(c.DATABASE_POOL_MAX, 10);
    assert.equal(c.REDIS_URL, undefined);
    assert.equal(c.QUEUE_PREFIX, 'isp');
    assert.equal(c.DATA_DIR, path.resolve('./.data'));
    assert.equal(c.APP_SECRET_KEY, undefined);
    assert.equal(c.HOST, '127.0.0.1');
    assert.equal(c.PORT, 3000);
    assert.equal(c.RADIUS_HOST, '0.0.0.0');
    assert.equal(c.RADIUS_AUTH_PORT, 1812);
    assert.equal(c.RADIUS_ACCT_PORT, 1813);
    assert.equal(c.RADIUS_INTERIM_INTERVAL, 300);
    assert.equal(c.RADIUS_STALE_INTERVALS, 3);
    assert.equal(c.RADIUS_POST_AUTH_LOG, 'reject');
    assert.equal(c.RADIUS_PROCESSES, os.availableParallelism());
    assert.equal(c.RADIUS_ACCT_PROCESSES, Math.max(1, Math.floor(os.availableParallelism() / 2)));
    assert.equal(c.DEMO_DATA, true);
    assert.equal(c.ISP_TIME_ZONE, 'Asia/Jakarta');
    assert.equal(c.LOG_LEVEL, 'info');
  });

  test('empty strings count as unset (a blank line in an env file)', () => {
    const c = loadConfig({ PORT: '', ROLE: '', DEMO_DATA: '', ISP_TIME_ZONE: '', DATABASE_URL: '' });
    assert.equal(c.PORT, 3000);
    assert.deepEqual(c.ROLE, ['radius', 'web', 'worker']);
    assert.equal(c.DEMO_DATA, true);
    assert.equal(c.ISP_TIME_ZONE, 'Asia/Jakarta');
    assert.equal(c.DATABASE_URL, undefined);
  });

  test('numbers are read from strings', () => {
    const c = loadConfig({ PORT: '8080', RADIUS_AUTH_PORT: '11812', RADIUS_INTERIM_INTERVAL: '600', DATABASE_POOL_MAX: '20' });
    assert.equal(c.PORT, 8080);
    assert.equal(c.RADIUS_AUTH_PORT, 11812);
    assert.equal(c.RADIUS_INTERIM_INTERVAL, 600);
    assert.equal(c.DATABASE_POOL_MAX, 20);
  });
});

describe('ROLE', () => {
  test('`all` is every role', () => {
    assert.deepEqual(loadConfig({ ROLE: 'all' }).ROLE, ['radius', 'web', 'worker']);
  });

  test('a comma list, with spaces tolerated', () => {
    assert.deepEqual(loadConfig({ ROLE: 'radius,web' }).ROLE, ['radius', 'web']);
    assert.deepEqual(loadConfig({ ROLE: ' worker , radius ' }).ROLE, ['worker', 'radius']);
    assert.deepEqual(loadConfig({ ROLE: 'web' }).ROLE, ['web']);
  });

  test('an unknown role is an error naming ROLE and the role', () => {
    assert.throws(() => loadConfig({ ROLE: 'radius,billing' }), (e: Error) => {
      assert.match(e.message, /ROLE/);
      assert.match(e.message, /unknown role "billing"/);
      return true;
    });
    assert.throws(() => loadConfig({ ROLE: 'ALL' }), /ROLE/);
  });

  test('a ROLE of separators only names no role and is an error; a blank ROLE is unset (all)', () => {
    for (const role of [',', ' , ', ',,']) {
      assert.throws(() => loadConfig({ ROLE: role }), /ROLE: no role given/, JSON.stringify(role));
    }
    assert.deepEqual(loadConfig({ ROLE: ' ' }).ROLE, ['radius', 'web', 'worker']);
  });
});

describe('ports and bounds', () => {
  test('ports 0 and 65535 are accepted', () => {
    assert.equal(loadConfig({ PORT: '0' }).PORT, 0);
    assert.equal(loadConfig({ RADIUS_ACCT_PORT: '65535' }).RADIUS_ACCT_PORT, 65535);
  });

  test('ports out of range or not integers are errors naming the variable', () => {
    const cases: Array<[string, string]> = [
      ['PORT', '65536'],
      ['PORT', '-1'],
      ['RADIUS_AUTH_PORT', '70000'],
      ['RADIUS_ACCT_PORT', '1813.5'],
      ['PORT', 'http'],
    ];
    for (const [name, value] of cases) {
      assert.throws(() => loadConfig({ [name]: value }), new RegExp(`invalid configuration:\\n  ${name}: `), `${name}=${value}`);
    }
  });

  test('the interim interval follows RFC 2869 §5.16 (at least 60 s)', () => {
    assert.throws(() => loadConfig({ RADIUS_INTERIM_INTERVAL: '59' }), /RADIUS_INTERIM_INTERVAL/);
    assert.equal(loadConfig({ RADIUS_INTERIM_INTERVAL: '60' }).RADIUS_INTERIM_INTERVAL, 60);
  });

  test('every invalid variable is listed in one error', () => {
    assert.throws(() => loadConfig({ PORT: '99999', ROLE: 'nope', LOG_LEVEL: 'loud' }), (e: Error) => {
      for (const name of ['PORT', 'ROLE', 'LOG_LEVEL']) assert.match(e.message, new RegExp(`  ${name}: `));
      return true;
    });
  });
});

describe('ISP_TIME_ZONE', () => {
  test('an IANA zone is accepted', () => {
    assert.equal(loadConfig({ ISP_TIME_ZONE: 'Asia/Makassar' }).ISP_TIME_ZONE, 'Asia/Makassar');
  });

  test('an unknown zone is an error naming ISP_TIME_ZONE', () => {
    assert.throws(() => loadConfig({ ISP_TIME_ZONE: 'Asia/Bandung' }), /ISP_TIME_ZONE: unknown time zone "Asia\/Bandung"/);
  });
});

describe('APP_SECRET_KEY', () => {
  test('required in production', () => {
    assert.throws(() => loadConfig({ NODE_ENV: 'production' }), /APP_SECRET_KEY: required in production/);
    assert.throws(() => loadConfig({ NODE_ENV: 'production', APP_SECRET_KEY: '' }), /APP_SECRET_KEY/);
  });

  test('given in production: accepted', () => {
    const key = 'ab'.repeat(32);
    assert.equal(loadConfig({ NODE_ENV: 'production', APP_SECRET_KEY: key }).APP_SECRET_KEY, key);
  });

  test('optional in development and test', () => {
    assert.equal(loadConfig({ NODE_ENV: 'development' }).APP_SECRET_KEY, undefined);
    assert.equal(loadConfig({ NODE_ENV: 'test' }).APP_SECRET_KEY, undefined);
  });

  test('an unknown NODE_ENV is an error', () => {
    assert.throws(() => loadConfig({ NODE_ENV: 'staging' }), /NODE_ENV/);
  });
});

describe('DATA_DIR', () => {
  test('a relative DATA_DIR is resolved to an absolute path', () => {
    const c = loadConfig({ DATA_DIR: 'var/isp' });
    assert.equal(path.isAbsolute(c.DATA_DIR), true);
    assert.equal(c.DATA_DIR, path.resolve(process.cwd(), 'var/isp'));
  });

  test('an absolute DATA_DIR is kept (normalised)', () => {
    assert.equal(loadConfig({ DATA_DIR: '/srv/isp/../isp-data/' }).DATA_DIR, '/srv/isp-data');
  });
});

describe('DEMO_DATA', () => {
  test('true, 1 and yes are true; false, 0 and no are false', () => {
    for (const v of ['true', '1', 'yes']) assert.equal(loadConfig({ DEMO_DATA: v }).DEMO_DATA, true, v);
    for (const v of ['false', '0', 'no']) assert.equal(loadConfig({ DEMO_DATA: v }).DEMO_DATA, false, v);
  });

  test('anything else is an error naming DEMO_DATA', () => {
    for (const v of ['maybe', 'on', 'TRUE']) {
      assert.throws(() => loadConfig({ DEMO_DATA: v }), /DEMO_DATA/, v);
    }
  });
});

describe('URLs', () => {
  test('DATABASE_URL and REDIS_URL must be URLs', () => {
    assert.equal(loadConfig({ DATABASE_URL: 'postgres://isp:pw@db:5432/isp' }).DATABASE_URL, 'postgres://isp:pw@db:5432/isp');
    assert.throws(() => loadConfig({ DATABASE_URL: 'db.local/isp' }), /DATABASE_URL/);
    assert.throws(() => loadConfig({ REDIS_URL: 'not a url' }), /REDIS_URL/);
  });
});
