import { escapeHtml } from './escape-html.js';

/** One line of a chart: (x, y) points, drawn in x order. */
export interface ChartSeries {
  name: string;
  points: readonly { x: number; y: number }[];
}

/** Geometry of a chart in SVG user units; the plot area is inside the margins. */
export interface ChartLayout {
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
}

/** Default layout: room for tick labels on the left and below. */
export const DEFAULT_LAYOUT: ChartLayout = { width: 480, height: 240, margin: { top: 16, right: 16, bottom: 32, left: 56 } };

/** Colour-blind-safe palette (Okabe–Ito), cycled over series. */
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000'];

/** Linear map of [lo, hi] onto [a, b]; a degenerate domain maps to the middle. */
function scale(lo: number, hi: number, a: number, b: number): (v: number) => number {
  return hi === lo ? () => (a + b) / 2 : (v) => a + ((v - lo) / (hi - lo)) * (b - a);
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : Number(v.toPrecision(4)).toString();
}

/**
 * An inline SVG line chart (no scripts, no external resources): every series shares the axes;
 * the smallest y sits on the bottom edge of the plot area and the largest on the top edge.
 *
 * @example
 * lineChartSvg('loss', [{ name: 'dpo', points: [{ x: 0, y: 0.69 }, { x: 1, y: 0.5 }] }]);
 */
export function lineChartSvg(title: string, series: readonly ChartSeries[], layout: ChartLayout = DEFAULT_LAYOUT): string {
  const { width, height, margin } = layout;
  const all = series.flatMap((s) => s.points);
  const xs = all.map((p) => p.x);
  const ys = all.map((p) => p.y);
  const [xMin, xMax] = all.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  const [yMin, yMax] = all.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1];
  const left = margin.left;
  const right = width - margin.right;
  const top = margin.top;
  const bottom = height - margin.bottom;
  const sx = scale(xMin, xMax, left, right);
  const sy = scale(yMin, yMax, bottom, top); // SVG y grows downwards: min → bottom, max → top
  const lines = series.map((s, i) => {
    const colour = PALETTE[i % PALETTE.length]!;
    const pts = [...s.points].sort((a, b) => a.x - b.x).map((p) => `${sx(p.x).toFixed(2)},${sy(p.y).toFixed(2)}`);
    return `<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${pts.join(' ')}"><title>${escapeHtml(s.name)}</title></polyline>`;
  });
  const legend = series.map(
    (s, i) => `<text x="${right}" y="${top + 12 * (i + 1)}" text-anchor="end" fill="${PALETTE[i % PALETTE.length]}">${escapeHtml(s.name)}</text>`,
  );
  return [
    `<svg class="chart" role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">`,
    `<title>${escapeHtml(title)}</title>`,
    `<rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="none" stroke="#ccc"/>`,
    `<text x="${left - 4}" y="${top + 4}" text-anchor="end">${fmt(yMax)}</text>`,
    `<text x="${left - 4}" y="${bottom}" text-anchor="end">${fmt(yMin)}</text>`,
    `<text x="${left}" y="${bottom + 14}">${fmt(xMin)}</text>`,
    `<text x="${right}" y="${bottom + 14}" text-anchor="end">${fmt(xMax)}</text>`,
    ...lines,
    ...legend,
    '</svg>',
  ].join('\n');
}
