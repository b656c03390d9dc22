/**
 * GET /metrics: the process's Prometheus metrics (text exposition format), for trusted callers
 * only (trusted-caller.ts: METRICS_TOKEN, or an unforwarded request from this host).
 */
import type Router from '@koa/router';
import type { Container } from '../lib/container.js';
import { AppError } from '../lib/errors.js';
import { isTrustedCaller } from './trusted-caller.js';

/**
 * Adds GET /metrics to `router`.
 * @param extraMetrics more Prometheus text put before this process's own (the radius workers'
 *   aggregated metrics when RADIUS_PROCESSES > 1)
 * @throws AppError `forbidden` (403) for a caller that is not trusted.
 */
export function addMetricsRoute(router: Router, c: Pick<Container, 'metrics' | 'config'>, extraMetrics?: () => Promise<string>): void {
  router.get('/metrics', async (ctx) => {
    if (!isTrustedCaller(ctx, c.config.METRICS_TOKEN)) throw new AppError('forbidden', 'metrics need METRICS_TOKEN from this address', 403);
    ctx.type = c.metrics.contentType;
    const own = await c.metrics.metrics();
    ctx.body = extraMetrics ? `${await extraMetrics()}\n${own}` : own;
  });
}
