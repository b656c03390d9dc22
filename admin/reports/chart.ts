/**
 * What a console page hands public/admin-charts.js: the chart as JSON in the `data-chart`
 * attribute of a canvas (partials/admin/report-chart.hbs). An attribute, not a script block:
 * Handlebars' HTML escaping is exactly what an attribute needs, and no data is ever written into
 * JavaScript.
 */
export interface ChartSpec {
  type: 'line' | 'bar';
  labels: string[];
  series: Array<{ label: string; data: number[] }>;
  /** Values are rupiah (axis and tooltips as `Rp 150.000`). */
  money?: boolean;
}

export function chartJson(spec: ChartSpec): string {
  return JSON.stringify(spec);
}
