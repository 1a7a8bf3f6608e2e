import { describe, expect, it } from 'vitest';
import { DEFAULT_LAYOUT, lineChartSvg } from './line-chart.js';

const polylines = (svg: string) => [...svg.matchAll(/<polyline[^>]*points="([^"]*)"/g)].map((m) => m[1]);

describe('lineChartSvg', () => {
  it('maps min y to the bottom and max y to the top of the plot area', () => {
    // Default layout: plot area x ∈ [56, 464], y ∈ [16, 208] (height 240 − bottom margin 32).
    // x 0, 1, 2 → 56, 260, 464; y 1 (min) → 208, y 3 (max) → 16, y 2 → 112.
    const svg = lineChartSvg('loss', [{ name: 'a', points: [{ x: 2, y: 2 }, { x: 0, y: 1 }, { x: 1, y: 3 }] }]);
    expect(DEFAULT_LAYOUT.margin).toEqual({ top: 16, right: 16, bottom: 32, left: 56 });
    expect(polylines(svg)).toEqual(['56.00,208.00 260.00,16.00 464.00,112.00']);
    expect(svg.match(/<svg/g)).toHaveLength(1);
  });

  it('shares the axes between series and centres a constant series', () => {
    const svg = lineChartSvg('m', [
      { name: 'a', points: [{ x: 0, y: 0 }, { x: 4, y: 0 }] },
      { name: 'b', points: [{ x: 0, y: 4 }] },
    ]);
    expect(polylines(svg)).toEqual(['56.00,208.00 464.00,208.00', '56.00,16.00']);
    const flat = lineChartSvg('m', [{ name: 'a', points: [{ x: 3, y: 5 }] }]);
    expect(polylines(flat)).toEqual(['260.00,112.00']);
  });

  it('escapes series names and titles', () => {
    const svg = lineChartSvg('<t>', [{ name: '<script>', points: [] }]);
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
  });
});
