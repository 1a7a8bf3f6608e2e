import { describe, expect, it } from 'vitest';
import { renderReport, sharedMetricKeys } from './render-report.js';

const runs = [
  { name: 'dpo', metrics: [{ step: 1, epoch: 0, loss: 0.69, 'rewards/margins': 0 }, { step: 2, epoch: 0, loss: 0.5, 'rewards/margins': 0.4, only_dpo: 1 }] },
  { name: 'ipo', metrics: [{ step: 1, epoch: 0, loss: 0.25, 'rewards/margins': 0.1 }, { step: 2, epoch: 0, loss: 0.2, 'rewards/margins': 0.2, note: 'x' }] },
];

describe('renderReport', () => {
  const html = renderReport({
    title: 'DPO vs IPO',
    runs,
    table: { columns: ['method', 'win rate', 'KL'], rows: [['dpo', 0.623456, 1.5], ['ipo', 0.5, null]] },
    samples: [{ prompt: 'Say hi', completion: '<script>alert(1)</script>', reward: 0.25 }],
    regret: [{ name: 'dpo', points: [{ step: 0, value: 1 }, { step: 10, value: 0.1 }] }],
  });

  it('draws one chart per shared metric key plus the regret chart', () => {
    expect(sharedMetricKeys(runs)).toEqual(['loss', 'rewards/margins']);
    expect(html.match(/<svg/g)).toHaveLength(3);
    expect(html.match(/<polyline/g)).toHaveLength(2 + 2 + 1);
    expect(html).toContain('<figcaption>rewards/margins</figcaption>');
    expect(html).not.toContain('<figcaption>only_dpo</figcaption>');
  });

  it('escapes completions', () => {
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('references nothing on the network', () => {
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/\b(src|href)=/);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
  });

  it('renders the comparison table', () => {
    expect(html).toContain('<th>win rate</th>');
    expect(html).toContain('<td>0.6235</td>');
    expect(html).toContain('<td>—</td>');
  });

  it('omits absent sections and rejects unknown keys', () => {
    const bare = renderReport({ title: 't', runs: [] });
    expect(bare).not.toContain('<svg');
    expect(bare).not.toContain('<table');
    expect(() => renderReport({ title: 't', runs: [], extra: 1 } as never)).toThrow();
  });
});
