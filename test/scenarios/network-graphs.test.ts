/**
 * A device's graphs on its console page (issue 12, item 4): latency, loss/availability and each
 * interface's traffic as Chart.js JSON, range links 6 h / 2 d / 30 d / 1 y, the 30-day range read
 * from the 5-minute rollups; a device without samples says so.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { settableClock } from '../../lib/clock.js';
import { recordSamples } from '../../network/history/record-samples.js';
import { rollupSamples } from '../../network/history/rollup.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';
import { decodeHtml, signedInAs } from '../helpers/subscriptions-fixtures.js';

const NOW = new Date('2026-12-07T10:00:00Z');
let web: WebServer;
let device: number;
let quiet: number;

before(async () => {
  web = await startWebServer({ clock: settableClock(NOW) });
  const db = web.c.db;
  [device, quiet] = (await db('devices').insert([{ kind: 'router', name: 'Core', address: '127.0.0.1' }, { kind: 'switch', name: 'Quiet' }]).returning('id'))
    .map((r: { id: string }) => Number(r.id)) as [number, number];
  const [ether1] = await db('device_interfaces').insert({ device_id: device, if_index: 1, name: 'ether1', alias: 'uplink' }).returning('id');
  const minutes = [50, 40, 30, 20, 10];
  await recordSamples(db, minutes.flatMap((m, i) => {
    const at = new Date(NOW.getTime() - m * 60_000);
    return [
      { deviceId: device, metric: 'rtt_ms', at, value: 10 + i },
      { deviceId: device, metric: 'loss_pct', at, value: 0 },
      { deviceId: device, metric: 'up', at, value: 1 },
      { deviceId: device, interfaceId: Number(ether1.id), metric: 'if_in_bps', at, value: 25_000_000 },
      { deviceId: device, interfaceId: Number(ether1.id), metric: 'if_out_bps', at, value: 5_000_000 },
    ];
  }));
  await rollupSamples(db, NOW);
});
after(async () => { await web?.stop(); });

/** The charts on a page: caption → the decoded data-chart JSON. */
function charts(html: string): Map<string, { labels: string[]; series: Array<{ label: string; data: Array<number | null> }> }> {
  const out = new Map();
  for (const m of html.matchAll(/<figure class="card chart" id="[^"]*">\s*<figcaption><strong>([^<]*)<\/strong><\/figcaption>\s*<div class="chart-box"><canvas data-chart="([^"]*)"/g)) {
    out.set(decodeHtml(m[1] ?? ''), JSON.parse(decodeHtml(m[2] ?? '')));
  }
  return out;
}

test('the device page draws latency, loss and interface traffic over 6 hours from raw samples', async () => {
  const { client } = await signedInAs(web.baseUrl, web.c.db, 'technician');
  const res = await client.get(`/admin/devices/${device}`);
  assert.equal(res.status, 200);
  assert.match(res.text, /<section id="graphs" data-graphs="6h">/);
  assert.match(res.text, /data-resolution="raw"/);
  assert.match(res.text, /<script src="\/static\/vendor\/chartjs\/chart.umd.min.js" defer>/);
  for (const range of ['2d', '30d', '1y']) assert.ok(decodeHtml(res.text).includes(`href="/admin/devices/${device}?range=${range}#graphs"`), range);
  const c = charts(res.text);
  assert.deepEqual([...c.keys()], ['Latency (ms)', 'Loss and availability (%)', 'Traffic (Mbit/s) ether1 (uplink)']);
  assert.deepEqual(c.get('Latency (ms)')?.series[0]?.data, [10, 11, 12, 13, 14]);
  assert.deepEqual(c.get('Latency (ms)')?.labels, ['16:10', '16:20', '16:30', '16:40', '16:50'], 'labels in the ISP time zone (Asia/Jakarta)');
  assert.deepEqual(c.get('Loss and availability (%)')?.series.map((s) => s.data), [[0, 0, 0, 0, 0], [100, 100, 100, 100, 100]]);
  assert.deepEqual(c.get('Traffic (Mbit/s) ether1 (uplink)')?.series.map((s) => [s.label, s.data[0]]), [['In, Mbit/s', 25], ['Out, Mbit/s', 5]]);
});

test('30 days come from the 5-minute rollups; a device without samples says so', async () => {
  const { client } = await signedInAs(web.baseUrl, web.c.db, 'viewer');
  const month = await client.get(`/admin/devices/${device}?range=30d`);
  assert.match(month.text, /data-graphs="30d"/);
  assert.match(month.text, /data-resolution="5m">5-minute averages/);
  assert.deepEqual(charts(month.text).get('Latency (ms)')?.series[0]?.data, [10, 11, 12, 13, 14]);
  const empty = await client.get(`/admin/devices/${quiet}?range=nonsense`);
  assert.match(empty.text, /data-graphs="6h"/, 'an unknown range falls back to 6 hours');
  assert.match(empty.text, /data-graphs-empty>No samples in this range yet/);
  assert.doesNotMatch(empty.text, /data-chart=/);
});
