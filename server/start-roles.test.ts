/**
 * Each role builds only what it uses: which parts a process builds for its ROLE, with the parts
 * replaced by fakes that record what was built. And where the radius role runs: in its own
 * processes (Access-Request and accounting apart) whenever another role shares the command.
 */
import assert from 'node:assert/strict';
import os from 'node:os';
import { test } from 'node:test';
import type { BillingEngine } from '../billing/engine/engine.js';
import type { Container } from '../lib/container.js';
import { loadConfig, type Role } from '../lib/config.js';
import type { RunningRole } from '../lib/role.js';
import type { HttpServer } from '../web/app.js';
import type { RadiusCluster, RadiusProcesses } from './radius-cluster.js';
import { planRoles, startRoles, type RoleStarters } from './start-roles.js';

function fakeRole(name: RunningRole['name']): RunningRole {
  return { name, health: async () => ({ ok: true }), stop: async () => {} };
}

/** Starts ROLE with fakes; returns what was built, in order, and the roles /health reports. */
async function start(role: Role[], radiusProcesses: RadiusProcesses = { auth: 1, acct: 0 }): Promise<{ built: string[]; names: string[]; engines: Set<BillingEngine>; extraMetrics: boolean }> {
  const built: string[] = [];
  const engines = new Set<BillingEngine>();
  let extraMetrics = false;
  let rolesOfHttp: () => RunningRole[] = () => [];
  const starters: RoleStarters = {
    radius: async () => (built.push('radius'), fakeRole('radius')),
    radiusCluster: async ({ processes }) => (built.push(`radius-cluster auth ${processes.auth} acct ${processes.acct}`), { ...fakeRole('radius'), metrics: async () => '' } satisfies RadiusCluster),
    http: (_c, roles, metrics) => {
      built.push('http');
      rolesOfHttp = roles;
      extraMetrics = metrics !== undefined;
      return {} as HttpServer;
    },
    engine: () => {
      built.push('billing-engine');
      return {} as BillingEngine;
    },
    worker: async (_c, engine) => (built.push('worker'), engines.add(engine), fakeRole('worker')),
    web: (_c, _http, engine) => (built.push('web'), engines.add(engine), fakeRole('web')),
  };
  const config = { ROLE: role, RADIUS_PROCESSES: radiusProcesses.auth, RADIUS_ACCT_PROCESSES: radiusProcesses.acct };
  const c = { config, log: {} } as unknown as Container;
  await startRoles(c, { plan: planRoles(config), before: [fakeRole('embedded')], clusterEnv: {} }, starters);
  return { built, names: rolesOfHttp().map((r) => r.name), engines, extraMetrics };
}

test('a radius-only process never builds the billing engine', async () => {
  const { built, names } = await start(['radius']);
  assert.deepEqual(built, ['radius', 'http']);
  assert.deepEqual(names, ['embedded', 'radius']);
});

test('radius in several processes: the cluster, no billing engine, the workers\' metrics on /metrics', async () => {
  const { built, extraMetrics } = await start(['radius'], { auth: 3, acct: 1 });
  assert.deepEqual(built, ['radius-cluster auth 3 acct 1', 'http']);
  assert.equal(extraMetrics, true);
});

test('a radius-only process with one Access-Request process and its own accounting process still forks both', async () => {
  assert.deepEqual((await start(['radius'], { auth: 1, acct: 1 })).built, ['radius-cluster auth 1 acct 1', 'http']);
});

test('web and worker share one billing engine; radius starts first, in its own processes', async () => {
  const { built, names, engines } = await start(['radius', 'web', 'worker']);
  assert.deepEqual(built, ['radius-cluster auth 1 acct 0', 'http', 'billing-engine', 'worker', 'web']);
  assert.deepEqual(names, ['embedded', 'radius', 'worker', 'web']);
  assert.equal(engines.size, 1);
});

test('beside the web or the worker role, radius never runs in the main process, even with RADIUS_PROCESSES=1', () => {
  for (const ROLE of [['radius', 'web'], ['radius', 'worker'], ['radius', 'web', 'worker']] as Role[][]) {
    assert.equal(planRoles({ ROLE, RADIUS_PROCESSES: 1, RADIUS_ACCT_PROCESSES: 0 }).radius, 'cluster', ROLE.join(','));
  }
});

test('by default (npm start): one Access-Request process per core, accounting in processes of its own', () => {
  const cores = os.availableParallelism();
  const plan = planRoles(loadConfig({}));
  assert.equal(plan.radius, 'cluster');
  assert.deepEqual(plan.radiusProcesses, { auth: cores, acct: Math.max(1, Math.floor(cores / 2)) });
  assert.deepEqual(planRoles(loadConfig({ RADIUS_PROCESSES: 'auto', RADIUS_ACCT_PROCESSES: '3' })).radiusProcesses, { auth: cores, acct: 3 });
  assert.equal(planRoles(loadConfig({ ROLE: 'radius' })).radius, 'cluster', 'a radius-only host keeps accounting apart too');
});

test('a worker-only and a web-only process build the engine for their role alone', async () => {
  assert.deepEqual((await start(['worker'])).built, ['http', 'billing-engine', 'worker']);
  assert.deepEqual((await start(['web'])).built, ['http', 'billing-engine', 'web']);
});
