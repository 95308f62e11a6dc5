import { describe, expect, test } from '@jest/globals';
import { deriveLevels } from '../../src/alignment/derive.js';
import { derivedIntervals, resampleColumns, resampleIndices } from '../../src/alignment/intervals.js';
import { loadConfigText } from '../../src/config/load.js';
import { percentileInterval } from '../../src/metrics/bootstrap.js';
import { createRandom } from '../../src/metrics/random.js';
import { renderAlignmentTable } from '../../src/report/comment.js';
import { metricValues, type BinaryPredictions } from '../../src/stages/sanity-check/metrics.js';
import { wilsonInterval } from '../../src/metrics/intervals.js';

const CONFIG = loadConfigText(
  'mlops.yml',
  Buffer.from(`version: 1
charter:
  name: estimates
  business_problem: Bad debt costs money.
  metrics:
    model:
      - id: recall
        goal: '>= 0.55'
      - id: precision
    domain:
      - id: flagged_share
        goal: '>= 0.55'
        from: [recall]
    business:
      - id: debt_avoided_usd
        goal: '>= 400000'
        from: [flagged_share]
        estimate: flagged_share * 1200000 * 0.6
      - id: net_usd
        from: [flagged_share, precision]
        estimate: flagged_share * 1200000 * 0.6 - (1 - precision) * 50000
`),
).config;

/** 1,000 rows: 300 positives, 180 of them found (recall 0.6), 20 false alarms. */
function predictions(): BinaryPredictions {
  const labels = new Uint8Array(1000);
  const predicted = new Uint8Array(1000);
  for (let i = 0; i < 1000; i++) {
    labels[i] = i < 300 ? 1 : 0;
    predicted[i] = i < 180 || (i >= 300 && i < 320) ? 1 : 0;
  }
  return { labels, predictions: predicted };
}

const OPTIONS = { reps: 1000, seed: 20261125 };

describe('business estimates carry an interval bootstrapped through their expression', () => {
  test('a linear estimate: exactly the expression applied to the same replicates of its metric', () => {
    const data = predictions();
    const replicate = (random: ReturnType<typeof createRandom>) =>
      metricValues(resampleColumns(data, resampleIndices(random, 1000)));
    const intervals = derivedIntervals(CONFIG, replicate, OPTIONS);

    // Independently: the same seeded resamples, recall by hand, then the expression.
    const random = createRandom(OPTIONS.seed);
    const recalls = new Float64Array(OPTIONS.reps);
    for (let r = 0; r < OPTIONS.reps; r++) {
      const indices = resampleIndices(random, 1000);
      let found = 0;
      let positives = 0;
      for (const i of indices) {
        positives += data.labels[i] as number;
        found += (data.labels[i] as number) & (data.predictions[i] as number);
      }
      recalls[r] = found / positives;
    }
    const recall = percentileInterval(recalls).interval as [number, number];
    const debt = intervals.get('debt_avoided_usd') as [number, number];
    expect(debt[0]).toBeCloseTo(recall[0] * 1200000 * 0.6, 6);
    expect(debt[1]).toBeCloseTo(recall[1] * 1200000 * 0.6, 6);
    expect(intervals.get('flagged_share')).toEqual(recall);
    // The bootstrap interval of recall agrees with Wilson's to within a point.
    const wilson = wilsonInterval(180, 300) as [number, number];
    expect(Math.abs(recall[0] - wilson[0])).toBeLessThan(0.01);
    expect(Math.abs(recall[1] - wilson[1])).toBeLessThan(0.01);
    // An estimate of two metrics holds its point value.
    const net = intervals.get('net_usd') as [number, number];
    const point = deriveLevels(CONFIG, { recall: 0.6, precision: 0.9 }).find(
      (m) => m.id === 'net_usd',
    )?.value;
    expect(point).toBeCloseTo(0.6 * 720000 - 0.1 * 50000, 6);
    expect(net[0]).toBeLessThan(point as number);
    expect(net[1]).toBeGreaterThan(point as number);
  });

  test('the alignment table shows each estimate with its interval and formula', () => {
    const levels = deriveLevels(CONFIG, { recall: 0.6, precision: 0.9 });
    const business = levels.find((m) => m.id === 'debt_avoided_usd');
    expect(business?.formula).toBe('flagged_share * 1200000 * 0.6');
    const table = renderAlignmentTable(
      new Map([
        [
          'sanity-check',
          {
            stage: 'sanity-check',
            verdict: 'pass',
            markdown: '',
            updatedAt: '',
            alignment: [
              {
                metric: 'debt_avoided_usd',
                level: 'business',
                source: 'offline',
                value: 432000,
                estimated: true,
                interval: [392400, 471600],
                formula: 'flagged_share * 1200000 * 0.6',
                goal: '≥ 400,000',
                verdict: 'inconclusive',
              },
            ],
          },
        ],
      ]),
    );
    expect(table).toContain(
      '| business | `debt_avoided_usd` | ≥ 400,000 | 432,000 [392,400, 471,600] (est. = `flagged_share * 1200000 * 0.6`) | ❔ |',
    );
  });
});
