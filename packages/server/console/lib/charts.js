// @ts-check
// Charts as plain SVG (no library, no inline style: colours come from app.css classes): stacked bars per hour, latency lines, a legend, and the figures as a table.
import { h } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 720;
const HEIGHT = 190;
const PLOT = { left: 56, right: 8, top: 14, bottom: 30 };

/**
 * One thing a chart shows: its name, the class that colours it (`series-<key>` in app.css) and its
 * value in an hour (null: no value, e.g. no latency when nothing was answered).
 * @template H
 * @typedef {{ key: string, label: string, value: (hour: H) => number | null }} Series
 */

/**
 * An SVG element with its attributes (presentation attributes only; the CSP forbids inline style).
 * @param {string} tag
 * @param {Record<string, string | number>} [attributes]
 * @param {...(SVGElement | string)} children
 */
function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  for (const child of children) element.append(child);
  return element;
}

/** `14:00`: the local hour an ISO time starts. */
export function hourLabel(/** @type {string} */ iso) {
  return new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** A round maximum for the axis: 1, 2, 5, 10, 20, 50… at least `value`. */
function niceMax(/** @type {number} */ value) {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 5, 10].map((step) => step * power).find((candidate) => candidate >= value) ?? 10 * power);
}

/** The frame of a chart: role img, its summary as aria-label and title, the axis' top figure and zero, every sixth hour below. */
function frame(/** @type {string} */ summary, /** @type {string[]} */ starts, /** @type {string} */ top) {
  const root = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: 'chart-svg', role: 'img', 'aria-label': summary }, svg('title', {}, summary));
  const bottom = HEIGHT - PLOT.bottom;
  root.append(
    svg('line', { x1: PLOT.left, x2: WIDTH - PLOT.right, y1: bottom, y2: bottom, class: 'chart-axis' }),
    svg('line', { x1: PLOT.left, x2: WIDTH - PLOT.right, y1: PLOT.top, y2: PLOT.top, class: 'chart-grid' }),
    svg('text', { x: PLOT.left - 6, y: PLOT.top + 4, class: 'chart-label', 'text-anchor': 'end' }, top),
    svg('text', { x: PLOT.left - 6, y: bottom, class: 'chart-label', 'text-anchor': 'end' }, '0'),
  );
  const slot = (WIDTH - PLOT.left - PLOT.right) / Math.max(1, starts.length);
  starts.forEach((start, i) => {
    if (i % 6 === 0) root.append(svg('text', { x: PLOT.left + slot * i, y: HEIGHT - 6, class: 'chart-label' }, hourLabel(start)));
  });
  return { root, slot, bottom, plotHeight: bottom - PLOT.top };
}

/**
 * A bar per hour, stacked by series (each part titled with its hour and figure). With nothing to show,
 * it says `empty` instead.
 * @template {{ start: string }} H
 * @param {H[]} hours
 * @param {Array<Series<H>>} series
 * @param {{ label: string, empty: string }} options `label` opens the summary (“Last 24 hours”)
 * @returns {HTMLElement}
 */
export function stackedBars(hours, series, { label, empty }) {
  const totals = series.map((s) => hours.reduce((sum, hour) => sum + (s.value(hour) ?? 0), 0));
  if (totals.every((total) => total === 0)) return h('p', { class: 'help chart-empty' }, empty);
  const summary = `${label}: ${series.map((s, i) => `${totals[i]} ${s.label}`).join(', ')}`;
  const max = niceMax(Math.max(...hours.map((hour) => series.reduce((sum, s) => sum + (s.value(hour) ?? 0), 0))));
  const chart = frame(summary, hours.map((hour) => hour.start), String(max));
  hours.forEach((hour, i) => {
    let y = chart.bottom;
    for (const s of series) {
      const value = s.value(hour) ?? 0;
      if (value === 0) continue;
      const height = (value / max) * chart.plotHeight;
      y -= height;
      chart.root.append(
        svg('rect', { x: PLOT.left + chart.slot * i + chart.slot * 0.15, y, width: chart.slot * 0.7, height, class: `chart-bar series-${s.key}` }, svg('title', {}, `${hourLabel(hour.start)}: ${value} ${s.label}`)),
      );
    }
  });
  return h('div', { class: 'chart' }, chart.root, legend(series, totals.map(String)), figures(hours, series));
}

/**
 * A line per series across the hours (an hour with no value leaves a gap; a lone value is a dot).
 * @template {{ start: string }} H
 * @param {H[]} hours
 * @param {Array<Series<H>>} series
 * @param {{ label: string, empty: string, unit: string, overall: Array<number | null> }} options `overall`: each series' figure for the whole time, for the summary and legend
 * @returns {HTMLElement}
 */
export function lines(hours, series, { label, empty, unit, overall }) {
  const values = hours.flatMap((hour) => series.map((s) => s.value(hour) ?? 0));
  if (values.every((value) => value === 0)) return h('p', { class: 'help chart-empty' }, empty);
  const shown = overall.map((value) => (value === null ? 'none' : `${Math.round(value)} ${unit}`));
  const summary = `${label}: ${series.map((s, i) => `${s.label} ${shown[i]}`).join(', ')}`;
  const max = niceMax(Math.max(...values));
  const chart = frame(summary, hours.map((hour) => hour.start), String(max));
  const x = (/** @type {number} */ i) => PLOT.left + chart.slot * i + chart.slot / 2;
  const y = (/** @type {number} */ value) => chart.bottom - (value / max) * chart.plotHeight;
  for (const s of series) {
    /** @type {string[][]} */
    const runs = [[]];
    hours.forEach((hour, i) => {
      const value = s.value(hour);
      if (value === null) runs.push([]);
      else runs.at(-1)?.push(`${x(i).toFixed(1)},${y(value).toFixed(1)}`);
    });
    for (const run of runs.filter((points) => points.length > 0)) {
      if (run.length === 1) {
        const [cx = '0', cy = '0'] = (run[0] ?? '').split(',');
        chart.root.append(svg('circle', { cx, cy, r: 3, class: `chart-dot series-${s.key}` }));
      } else chart.root.append(svg('polyline', { points: run.join(' '), class: `chart-line series-${s.key}` }));
    }
  }
  return h('div', { class: 'chart' }, chart.root, legend(series, shown), figures(hours, series));
}

/**
 * The key to the colours: each series with its figure.
 * @param {Array<{ key: string, label: string }>} series
 * @param {string[]} figures
 */
export function legend(series, figures) {
  return h(
    'ul',
    { class: 'chart-legend' },
    series.map((s, i) => h('li', {}, h('span', { class: `chart-swatch series-${s.key}`, 'aria-hidden': 'true' }), ` ${s.label} `, h('strong', {}, figures[i] ?? ''))),
  );
}

/**
 * The figures behind a chart, hour by hour, in a table behind a disclosure (for screen readers and for
 * anyone who wants the numbers).
 * @template {{ start: string }} H
 * @param {H[]} hours
 * @param {Array<Series<H>>} series
 */
function figures(hours, series) {
  return h(
    'details',
    { class: 'chart-figures' },
    h('summary', {}, 'The figures'),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        {},
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Hour'), series.map((s) => h('th', { scope: 'col' }, s.label)))),
        h(
          'tbody',
          {},
          hours.map((hour) => h('tr', {}, h('th', { scope: 'row' }, hourLabel(hour.start)), series.map((s) => h('td', {}, String(s.value(hour) ?? '—'))))),
        ),
      ),
    ),
  );
}
