/**
 * The radius role on a private test database, listening on 127.0.0.1 with ports chosen by the
 * kernel, plus helpers to read its metrics.
 */
import { startRadiusRole, type RadiusRole } from '../../server/radius-role.js';
import type { Clock } from '../../lib/clock.js';
import { createTestContainer, type TestContainer } from './container.js';

export interface RadiusStack {
  c: TestContainer;
  radius: RadiusRole;
  /** Value of a Prometheus sample, e.g. metric('radius_dropped_total', { reason: 'unknown_nas' }); 0 when absent. */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** How many observations a histogram has (its _count sample). */
  histogramCount(name: string): Promise<number>;
  stop(): Promise<void>;
}

export async function startRadiusStack(opts: { clock?: Clock; env?: Record<string, string>; before?: (c: TestContainer) => Promise<void> } = {}): Promise<RadiusStack> {
  const c = await createTestContainer(opts);
  await opts.before?.(c);
  const radius = await startRadiusRole(c, { host: '127.0.0.1', authPort: 0, acctPort: 0, schedule: false });
  return {
    c,
    radius,
    async metric(name, labels = {}) {
      const m = (await c.metrics.getMetricsAsJSON()).find((x) => x.name === name);
      const v = m?.values.find((s) => Object.entries(labels).every(([k, val]) => String(s.labels[k]) === val));
      return v ? Number(v.value) : 0;
    },
    async histogramCount(name) {
      const m = (await c.metrics.getMetricsAsJSON()).find((x) => x.name === name);
      const v = m?.values.find((s) => (s as { metricName?: string }).metricName === `${name}_count`);
      return v ? Number(v.value) : 0;
    },
    async stop() {
      await radius.stop();
      await c.dispose();
    },
  };
}
