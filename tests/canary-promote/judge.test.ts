import { describe, expect, test } from '@jest/globals';
import { classifyMetric } from '../../src/canary/classify.js';
import { judgeStep, type JudgedMetricSpec, type MetricSamples } from '../../src/canary/judge.js';
import { scoreStep, type ScoredMetric } from '../../src/canary/score.js';

const baseline = [10.2, 9.8, 10.1, 10.0, 9.9, 10.3, 10.0, 9.7, 10.1, 10.2, 9.9, 10.0];
const higher = baseline.map((v) => v + 5);
const lower = baseline.map((v) => v - 5);
const noisySame = [10.15, 9.85, 10.25, 9.8, 10.05, 10.3, 9.75, 10.0, 10.1, 9.95, 10.2, 9.9];

describe('classifying one metric (Kayenta Mann-Whitney classifier)', () => {
  test('no values on a side is NoData, naming the side', () => {
    expect(classifyMetric([], baseline, 'increase')).toMatchObject({
      classification: 'NoData',
      reason: 'no values for the baseline',
    });
    expect(classifyMetric(baseline, [], 'increase').classification).toBe('NoData');
  });

  test('identical samples, or one value everywhere, pass without a test', () => {
    expect(classifyMetric([1, 2, 3], [3, 2, 1], 'either')).toMatchObject({ classification: 'Pass' });
    expect(classifyMetric([0, 0, 0], [0, 0], 'increase')).toMatchObject({
      classification: 'Pass',
      reason: 'a single value on both sides',
    });
  });

  test('a significant increase is High when increases are bad, a Pass when they are not', () => {
    const bad = classifyMetric(baseline, higher, 'increase');
    expect(bad.classification).toBe('High');
    expect(bad.shift?.estimate).toBeCloseTo(5, 10);
    expect(bad.shift!.lower).toBeGreaterThan(4);
    expect(bad.test!.pValue).toBeLessThan(1e-4);
    expect(classifyMetric(baseline, higher, 'decrease')).toMatchObject({
      classification: 'Pass',
      reason: 'higher, which is not harmful here',
    });
    expect(classifyMetric(baseline, higher, 'either').classification).toBe('High');
  });

  test('a significant decrease is Low when decreases are bad', () => {
    expect(classifyMetric(baseline, lower, 'decrease').classification).toBe('Low');
    expect(classifyMetric(baseline, lower, 'either').classification).toBe('Low');
    expect(classifyMetric(baseline, lower, 'increase').classification).toBe('Pass');
  });

  test('noise around the same level passes', () => {
    const result = classifyMetric(baseline, noisySame, 'either');
    expect(result).toMatchObject({ classification: 'Pass', reason: 'no significant difference at 95%' });
    expect(result.shift!.lower).toBeLessThanOrEqual(0);
    expect(result.shift!.upper).toBeGreaterThanOrEqual(0);
  });

  test('the interval must clear a quarter of the estimate, not only zero', () => {
    // All canary values above all baseline values, but with the interval [0.5, 4]
    // around an estimate of 3: lower 0.5 < 0.25 × 3 is not enough for High under fraction 0.25.
    const b = [0, 0.5, 1, 1.5];
    const c = [1.5 + 0.001, 2, 3, 4, 4.5];
    const strict = classifyMetric(b, c, 'increase', { confidence: 0.95, fraction: 0.25 });
    const loose = classifyMetric(b, c, 'increase', { confidence: 0.95, fraction: 0 });
    expect(loose.shift!.lower).toBeGreaterThan(0);
    expect(strict.shift!.lower).toBeLessThan(0.25 * Math.abs(strict.shift!.estimate));
    expect(strict.classification).toBe('Pass');
    expect(loose.classification).toBe('High');
  });
});

describe('scoring a step', () => {
  const metric = (
    id: string,
    classification: ScoredMetric['classification'],
    more: Partial<ScoredMetric> = {},
  ) => ({
    id,
    classification,
    critical: false,
    weight: 1,
    ...more,
  });

  test('the weighted share of measured metrics that passed', () => {
    const score = scoreStep(
      [metric('a', 'Pass', { weight: 3 }), metric('b', 'High'), metric('c', 'NoData', { weight: 10 })],
      75,
    );
    expect(score).toMatchObject({ score: 75, passed: true, criticalFailures: [] });
    expect(score.reason).toBe('score 75 ≥ pass_score 75');
    expect(scoreStep([metric('a', 'Pass'), metric('b', 'Low'), metric('c', 'Pass')], 95)).toMatchObject({
      passed: false,
      reason: 'score 66.7 < pass_score 95',
    });
  });

  test('a failing critical metric fails the step with score 0, whatever the rest says', () => {
    const score = scoreStep(
      [
        metric('errors', 'High', { critical: true }),
        ...Array.from({ length: 9 }, (_, i) => metric(`m${i}`, 'Pass')),
      ],
      50,
    );
    expect(score).toEqual({
      score: 0,
      passed: false,
      criticalFailures: ['errors'],
      reason: 'critical metric failed: errors',
    });
  });

  test('a critical metric without data fails; a plain one leaves the denominator', () => {
    expect(
      scoreStep([metric('errors', 'NoData', { critical: true }), metric('p95', 'Pass')], 95),
    ).toMatchObject({
      passed: false,
      criticalFailures: ['errors'],
    });
    expect(scoreStep([metric('errors', 'NoData'), metric('p95', 'Pass')], 95)).toMatchObject({
      score: 100,
      passed: true,
    });
  });

  test('nothing measured: no score and no pass', () => {
    expect(scoreStep([metric('a', 'NoData')], 0)).toEqual({
      score: null,
      passed: false,
      criticalFailures: [],
      reason: 'no metric could be measured',
    });
  });
});

describe('judging a step end to end', () => {
  const specs: JudgedMetricSpec[] = [
    { id: 'error_rate', badWhen: 'increase', critical: true, weight: 1 },
    { id: 'latency_p95_ms', badWhen: 'increase', critical: false, weight: 1 },
  ];

  test('NaN is dropped before judging (a ratio over no requests)', () => {
    const samples = new Map<string, MetricSamples>([
      ['error_rate', { baseline: [0, 0, Number.NaN, 0], canary: [Number.NaN, 0, 0] }],
      ['latency_p95_ms', { baseline, canary: noisySame }],
    ]);
    const judged = judgeStep(specs, samples, { passScore: 95 });
    expect(judged.metrics[0]).toMatchObject({
      classification: 'Pass',
      baseline: { values: [0, 0, 0], droppedNonFinite: 1 },
      canary: { droppedNonFinite: 1 },
      failed: false,
    });
    expect(judged).toMatchObject({ score: 100, passed: true });
  });

  test('a slow canary fails latency and the score; a failing one fails outright', () => {
    const slow = judgeStep(
      specs,
      new Map([
        ['error_rate', { baseline: [0, 0, 0], canary: [0, 0, 0] }],
        ['latency_p95_ms', { baseline, canary: higher }],
      ]),
      { passScore: 95 },
    );
    expect(slow).toMatchObject({ score: 50, passed: false, criticalFailures: [] });
    expect(slow.metrics[1]).toMatchObject({ classification: 'High', failed: true });

    const failing = judgeStep(
      specs,
      new Map([
        [
          'error_rate',
          {
            baseline: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            canary: [0.5, 0.48, 0.5, 0.52, 0.5, 0.49, 0.51, 0.5, 0.5, 0.5],
          },
        ],
        ['latency_p95_ms', { baseline, canary: noisySame }],
      ]),
      { passScore: 50 },
    );
    expect(failing).toMatchObject({ score: 0, passed: false, criticalFailures: ['error_rate'] });
  });

  test('a metric without samples is NoData; outlier fences apply when asked', () => {
    const spiky = [...noisySame.slice(0, 11), 400];
    const judged = judgeStep([specs[1]!], new Map([['latency_p95_ms', { baseline, canary: spiky }]]), {
      passScore: 95,
      outlierFactor: 3,
    });
    expect(judged.metrics[0]!.canary.droppedOutliers).toBe(1);
    expect(judgeStep(specs, new Map(), { passScore: 95 }).metrics.map((m) => m.classification)).toEqual([
      'NoData',
      'NoData',
    ]);
  });
});
