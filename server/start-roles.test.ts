/**
 * Each role builds only what it uses: which parts a process builds for its ROLE, with the parts
 * replaced by fakes that record what was built.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BillingEngine } from '../billing/engine/engine.js';
import type { Container } from '../lib/container.js';
import type { Role } from '../lib/config.js';
import type { RunningRole } from '../lib/role.js';
import type { HttpServer } from '../web/app.js';
import type { RadiusCluster } from './radius-cluster.js';
import { planRoles, startRoles, type RoleStarters } from './start-roles.js';

function fakeRole(name: RunningRole['name']): RunningRole {
  return { name, health: async () => ({ ok: true }), stop: async () => {} };
}

/** Starts ROLE with fakes; returns what was built, in order, and the roles /health reports. */
async function start(role: Role[], radiusProcesses = 1): Promise<{ built: string[]; names: string[]; engines: Set<BillingEngine>; extraMetrics: boolean }> {
  const built: string[] = [];
  const engines = new Set<BillingEngine>();
  let extraMetrics = false;
  let rolesOfHttp: () => RunningRole[] = () => [];
  const starters: RoleStarters = {
    radius: async () => (built.push('radius'), fakeRole('radius')),
    radiusCluster: async ({ processes }) => (built.push(`radius-cluster ${processes}`), { ...fakeRole('radius'), metrics: async () => '' } satisfies RadiusCluster),
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
  const config = { ROLE: role, RADIUS_PROCESSES: radiusProcesses };
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
  const { built, extraMetrics } = await start(['radius'], 3);
  assert.deepEqual(built, ['radius-cluster 3', 'http']);
  assert.equal(extraMetrics, true);
});

test('web and worker share one billing engine; radius starts first', async () => {
  const { built, names, engines } = await start(['radius', 'web', 'worker']);
  assert.deepEqual(built, ['radius', 'http', 'billing-engine', 'worker', 'web']);
  assert.deepEqual(names, ['embedded', 'radius', 'worker', 'web']);
  assert.equal(engines.size, 1);
});

test('a worker-only and a web-only process build the engine for their role alone', async () => {
  assert.deepEqual((await start(['worker'])).built, ['http', 'billing-engine', 'worker']);
  assert.deepEqual((await start(['web'])).built, ['http', 'billing-engine', 'web']);
});
