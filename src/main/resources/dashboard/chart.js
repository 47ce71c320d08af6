// Charts drawn by uPlot (the org.webjars.npm:uplot WebJar): the main graph and the overview's trends.
// Buckets come labelled by the query engine in the site's time zone; the x axis shows those labels.
import uPlot from './uPlot.esm.js';

const INCREMENTS = [1, 2, 3, 4, 6, 7, 12, 14, 24, 30, 48, 60, 90, 120, 180, 365];

export function lineChart(element, labels, values, label, format) {
  element.textContent = '';
  const xs = labels.map((_, i) => i);
  const options = {
    width: Math.max(320, element.clientWidth || 800),
    height: 260,
    legend: { show: false },
    cursor: { points: { size: 7 } },
    scales: { x: { time: false }, y: { range: (u, min, max) => [0, Math.max(1, max) * 1.1] } },
    axes: [
      { incrs: INCREMENTS, space: 70, values: (u, splits) => splits.map(v => Number.isInteger(v) ? short(labels[v]) : '') },
      { size: 60, values: (u, splits) => splits.map(v => format(v)) },
    ],
    series: [
      { value: (u, v) => v == null ? '' : labels[v] },
      { label, stroke: '#4f46e5', width: 2, fill: 'rgba(79, 70, 229, 0.08)', points: { show: labels.length <= 62 },
        value: (u, v) => v == null ? '–' : format(v) },
    ],
  };
  const chart = new uPlot(options, [xs, values], element);
  const resize = () => chart.setSize({ width: Math.max(320, element.clientWidth || 800), height: 260 });
  window.addEventListener('resize', resize);
  return { destroy() { window.removeEventListener('resize', resize); chart.destroy(); } };
}

export function sparkline(element, values) {
  element.textContent = '';
  const options = {
    width: 160, height: 36, legend: { show: false }, cursor: { show: false },
    scales: { x: { time: false }, y: { range: (u, min, max) => [0, Math.max(1, max)] } },
    axes: [{ show: false }, { show: false }],
    series: [{}, { stroke: '#4f46e5', width: 1.5, fill: 'rgba(79, 70, 229, 0.1)', points: { show: false } }],
  };
  return new uPlot(options, [values.map((_, i) => i), values], element);
}

function short(label) {
  if (label == null) return '';
  if (label.length === 16) return label.slice(11);          // YYYY-MM-DD HH:00 → HH:00
  if (label.length === 10) return label.slice(5);           // YYYY-MM-DD → MM-DD
  return label;                                             // YYYY-MM
}
