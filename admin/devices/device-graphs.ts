/**
 * The graphs on a device's page (issue 12, item 4): latency, loss and availability from the ping
 * rounds, CPU and memory, and each interface's traffic from SNMP, over 6 hours, 2 days, 30 days
 * or a year (`?range=`). The data comes from the table that fits the range
 * (network/history/read-series.ts); each chart is the JSON public/admin-charts.js draws
 * (admin/reports/chart.ts), thinned to at most MAX_POINTS points by averaging neighbours so a
 * year of hourly buckets stays a small page. A missing value is a gap (null in the JSON).
 */
import type { Knex } from '../../lib/db.js';
import { t, type Locale } from '../../lib/i18n.js';
import { readSeries, type Resolution, type SeriesPoint } from '../../network/history/read-series.js';
import { chartJson } from '../reports/chart.js';

export const GRAPH_RANGES = { '6h': 6 * 3_600_000, '2d': 2 * 86_400_000, '30d': 30 * 86_400_000, '1y': 365 * 86_400_000 } as const;
export type GraphRange = keyof typeof GRAPH_RANGES;
export const MAX_POINTS = 400;
/** Interfaces graphed per device (the first by ifIndex). */
const MAX_INTERFACES = 16;

export const graphRangeOf = (value: unknown): GraphRange => (typeof value === 'string' && value in GRAPH_RANGES ? (value as GraphRange) : '6h');

interface Line {
  metric: string;
  label: string;
  /** Multiplier applied to the stored value (bits/s → Mbit/s, 0/1 → %). */
  scale?: number;
}

/** Averages runs of neighbouring points so at most `max` are left. */
export function thin(points: readonly SeriesPoint[], max = MAX_POINTS): SeriesPoint[] {
  if (points.length <= max) return [...points];
  const size = Math.ceil(points.length / max);
  const out: SeriesPoint[] = [];
  for (let i = 0; i < points.length; i += size) {
    const run = points.slice(i, i + size);
    out.push({ t: run[0]?.t ?? 0, v: run.reduce((a, p) => a + p.v, 0) / run.length });
  }
  return out;
}

function chartOf(series: Record<string, SeriesPoint[]>, lines: readonly Line[], label: (t: number) => string): string | null {
  const thinned = lines.map((l) => thin(series[l.metric] ?? []));
  const times = [...new Set(thinned.flatMap((pts) => pts.map((p) => p.t)))].sort((a, b) => a - b);
  if (times.length === 0) return null;
  return chartJson({
    type: 'line',
    labels: times.map(label),
    series: lines.map((l, i) => {
      const byTime = new Map((thinned[i] ?? []).map((p) => [p.t, p.v * (l.scale ?? 1)]));
      // NaN serialises as null: Chart.js leaves a gap there.
      return { label: l.label, data: times.map((x) => byTime.get(x) ?? NaN) };
    }),
  });
}

export interface DeviceGraphs {
  graphRange: GraphRange;
  graphResolution: Resolution;
  graphRanges: Array<{ key: GraphRange; href: string; current: boolean }>;
  graphs: Array<{ id: string; caption: string; chart: string }>;
}

/** The graphs of device `deviceId` over `range` ending at `now`; labels in `timeZone`. */
export async function deviceGraphs(db: Knex, deviceId: number, range: GraphRange, now: Date, timeZone: string, locale: Locale): Promise<DeviceGraphs> {
  const from = new Date(now.getTime() - GRAPH_RANGES[range]);
  const fmt = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'id-ID', {
    timeZone, ...(range === '1y' ? { day: '2-digit', month: '2-digit', year: 'numeric' } : range === '6h' ? { hour: '2-digit', minute: '2-digit' } : { day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit' }),
  });
  const label = (ms: number): string => fmt.format(new Date(ms));
  const graphs: DeviceGraphs['graphs'] = [];
  const add = (id: string, caption: string, chart: string | null): void => {
    if (chart) graphs.push({ id, caption, chart });
  };

  const device = await readSeries(db, { deviceId, metrics: ['rtt_ms', 'loss_pct', 'up', 'cpu_pct', 'mem_pct'], from, to: now });
  add('graph-latency', t(locale, 'graphs.latency'), chartOf(device.series, [{ metric: 'rtt_ms', label: t(locale, 'graphs.rtt_ms') }], label));
  add('graph-loss', t(locale, 'graphs.loss'), chartOf(device.series, [
    { metric: 'loss_pct', label: t(locale, 'graphs.loss_pct') },
    { metric: 'up', label: t(locale, 'graphs.availability'), scale: 100 },
  ], label));
  add('graph-system', t(locale, 'graphs.system'), chartOf(device.series, [
    { metric: 'cpu_pct', label: t(locale, 'graphs.cpu_pct') },
    { metric: 'mem_pct', label: t(locale, 'graphs.mem_pct') },
  ], label));

  const interfaces = await db('device_interfaces').where({ device_id: deviceId }).orderBy('if_index').limit(MAX_INTERFACES).select('id', 'name', 'alias');
  for (const i of interfaces as Array<{ id: string; name: string; alias: string }>) {
    const s = await readSeries(db, { deviceId, interfaceId: Number(i.id), metrics: ['if_in_bps', 'if_out_bps'], from, to: now });
    add(`graph-if-${i.id}`, `${t(locale, 'graphs.traffic')} ${i.name}${i.alias ? ` (${i.alias})` : ''}`, chartOf(s.series, [
      { metric: 'if_in_bps', label: t(locale, 'graphs.in_mbps'), scale: 1e-6 },
      { metric: 'if_out_bps', label: t(locale, 'graphs.out_mbps'), scale: 1e-6 },
    ], label));
  }
  return {
    graphRange: range,
    graphResolution: device.resolution,
    graphRanges: (Object.keys(GRAPH_RANGES) as GraphRange[]).map((key) => ({ key, href: `/admin/devices/${deviceId}?range=${key}#graphs`, current: key === range })),
    graphs,
  };
}
