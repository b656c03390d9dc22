/*
 * The staff console's charts: every <canvas data-chart="…"> is drawn with Chart.js (served by us
 * at /static/vendor/chartjs/chart.umd.min.js, loaded before this script, both deferred). The
 * attribute holds JSON (admin/reports/chart.ts): { type: "line" | "bar", labels: [...],
 * series: [{ label, data: [...] }], money: true when the values are rupiah }. No data is ever
 * written into a script; without JavaScript the page's tables carry the same figures.
 */
(function () {
  'use strict';
  if (typeof window.Chart !== 'function') return;
  var lang = document.documentElement.lang === 'en' ? 'en-US' : 'id-ID';
  var whole = new Intl.NumberFormat('id-ID', { maximumFractionDigits: 0 });
  var compact = new Intl.NumberFormat(lang, { notation: 'compact', maximumFractionDigits: 1 });
  var colours = ['#0b6bcb', '#067647', '#b42318', '#93370d'];

  function draw(canvas) {
    var spec;
    try {
      spec = JSON.parse(canvas.getAttribute('data-chart'));
    } catch {
      return;
    }
    var full = spec.money ? function (v) { return 'Rp ' + whole.format(v); } : function (v) { return whole.format(v); };
    var tick = spec.money ? function (v) { return 'Rp ' + compact.format(v); } : function (v) { return compact.format(v); };
    new window.Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (s, i) {
          var colour = colours[i % colours.length];
          return {
            label: s.label,
            data: s.data,
            borderColor: colour,
            backgroundColor: spec.type === 'line' ? colour + '22' : colour,
            fill: spec.type === 'line',
            pointRadius: 0,
            tension: 0.2,
          };
        }),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: 'index', intersect: false },
        plugins: {
          legend: { display: spec.series.length > 1 },
          tooltip: { callbacks: { label: function (c) { return c.dataset.label + ': ' + full(c.parsed.y); } } },
        },
        scales: {
          x: { ticks: { autoSkip: true, maxTicksLimit: 12, maxRotation: 0 } },
          y: { beginAtZero: true, ticks: { precision: 0, callback: tick } },
        },
      },
    });
  }

  var canvases = document.querySelectorAll('canvas[data-chart]');
  for (var i = 0; i < canvases.length; i++) draw(canvases[i]);
})();
