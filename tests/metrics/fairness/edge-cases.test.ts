import { afterAll, describe, expect, test } from '@jest/globals';
import {
  analyzeFairness,
  FairnessOptionsError,
  judgeGoal,
  MetricFrame,
  type FairnessOptions,
  type MetricGoal,
} from '../../../src/metrics/fairness/index.js';
import { DataError } from '../../../src/metrics/readers/index.js';
import { scratch, publicData } from '../helpers.js';

const files = scratch();
afterAll(() => files.cleanup());

/*
 * Four groups chosen for their edge cases (label, prediction):
 *   a: (1,1) (1,0) (0,1) (0,0) (1,1)  — every cell
 *   b: (0,1) (0,0) (0,0)              — no positives: TPR and FNR are 0/0
 *   c: (1,0) (0,0) (1,0) (0,0)        — nobody flagged: precision is 0/0
 *   d: (1,1) (0,0)                    — two rows: a small sample when minGroupSize is 3
 * and a second attribute h whose intersections (b, v) and (c, u) have no members.
 */
const rows = [
  ['1', '1', 'a', 'u'],
  ['1', '0', 'a', 'u'],
  ['0', '1', 'a', 'v'],
  ['0', '0', 'a', 'v'],
  ['1', '1', 'a', 'u'],
  ['0', '1', 'b', 'u'],
  ['0', '0', 'b', 'u'],
  ['0', '0', 'b', 'u'],
  ['1', '0', 'c', 'v'],
  ['0', '0', 'c', 'v'],
  ['1', '0', 'c', 'v'],
  ['0', '0', 'c', 'v'],
  ['1', '1', 'd', 'u'],
  ['0', '0', 'd', 'v'],
];
const file = files.write(
  'groups.csv',
  'label,prediction,g,h\n' + rows.map((r) => r.join(',')).join('\n') + '\n',
);
const base: FairnessOptions = {
  file,
  label: 'label',
  prediction: 'prediction',
  attributes: ['g', 'h'],
  minGroupSize: 3,
  bootstrap: { reps: 0 },
};

describe('undefined rates, small groups and empty intersections', () => {
  test('a 0/0 rate is null with no interval, never 0', async () => {
    const report = await analyzeFairness(base);
    const g = report.frames[0]!;
    const byName = Object.fromEntries(g.groups.map((group) => [group.group, group]));
    expect(byName.b!.rates.true_positive_rate).toEqual({
      value: null,
      successes: 0,
      trials: 0,
      interval: null,
    });
    expect(byName.b!.rates.false_negative_rate.value).toBeNull();
    expect(byName.c!.rates.precision.value).toBeNull();
    expect(byName.c!.rates.selection_rate.value).toBe(0);
    expect(byName.c!.rates.true_positive_rate.value).toBe(0);
    expect(byName.a).toMatchObject({ n: 5, tp: 2, fp: 1, tn: 1, fn: 1, smallSample: false, empty: false });
  });

  test("small groups are flagged and counted; Fairlearn's aggregates take a 0/0 rate as 0", async () => {
    for (const minGroupSize of [0, 3, 100]) {
      const g = (await analyzeFairness({ ...base, minGroupSize })).frames[0]!;
      expect(g.groups.find((group) => group.group === 'd')?.smallSample).toBe(minGroupSize > 2);
      expect(g.compared).toEqual(['a', 'b', 'c', 'd']);
      // TPR, as Fairlearn's confusion_matrix gives it: a 2/3, b 0 (no positives), c 0, d 1.
      expect(g.metrics.true_positive_rate.byGroup).toEqual({ a: 2 / 3, b: 0, c: 0, d: 1 });
      expect(g.metrics.true_positive_rate.groupMax).toBe(1);
      expect(g.metrics.true_positive_rate.groupMin).toBe(0);
      // Overall TPR = 3/6; to_overall difference = max(|2/3 − 1/2|, |0 − 1/2|, |1 − 1/2|).
      expect(g.metrics.true_positive_rate.overall).toBe(0.5);
      expect(g.disparities.equal_opportunity_difference.to_overall.value).toBe(0.5);
      expect(g.disparities.equal_opportunity_difference.between_groups.value).toBe(1);
      // Selection: a 3/5, b 1/3, c 0, d 1/2 → difference 0.6, ratio 0; FPR: 1/2, 1/3, 0, 0.
      expect(g.disparities.demographic_parity_difference.between_groups.value).toBeCloseTo(0.6, 15);
      expect(g.disparities.demographic_parity_ratio.between_groups.value).toBe(0);
      expect(g.disparities.equalized_odds_difference.between_groups.value).toBe(1);
      expect(g.disparities.equalized_odds_ratio.between_groups.value).toBe(0);
      // The group's own rate stays undefined: only Fairlearn's figures count it as 0.
      expect(g.groups.find((group) => group.group === 'b')!.rates.true_positive_rate.value).toBeNull();
    }
  });

  test('intersections with no members are listed as empty groups and never compared', async () => {
    const report = await analyzeFairness({ ...base, intersections: true });
    const both = report.frames[2]!;
    expect(both.name).toBe('g & h');
    expect(both.groups.map((group) => [group.group, group.n])).toEqual([
      ['a & u', 3],
      ['a & v', 2],
      ['b & u', 3],
      ['b & v', 0],
      ['c & u', 0],
      ['c & v', 4],
      ['d & u', 1],
      ['d & v', 1],
    ]);
    const empty = both.groups.find((group) => group.group === 'b & v')!;
    expect(empty).toMatchObject({ empty: true, smallSample: true, values: { g: 'b', h: 'v' } });
    expect(Object.values(empty.rates).every((rate) => rate.value === null)).toBe(true);
    expect(both.compared).toEqual(['a & u', 'a & v', 'b & u', 'c & v', 'd & u', 'd & v']);
    expect(both.metrics.selection_rate.byGroup['b & v']).toBeNull();
  });

  test('the reference group is the largest unless named; a rate of 0 there leaves disparities undefined', async () => {
    const largest = (await analyzeFairness(base)).frames[0]!;
    expect(largest.referenceGroup).toBe('a');
    const a = largest.referenceDisparities.find((r) => r.group === 'a')!;
    expect(a.judged).toBe(false);
    expect(a.disparities.fpr_disparity.value).toBe(1);
    const b = largest.referenceDisparities.find((r) => r.group === 'b')!;
    expect(b.disparities.fpr_disparity.value).toBeCloseTo(1 / 3 / 0.5, 15);
    expect(b.disparities.ppr_disparity.value).toBeCloseTo(1 / 3, 15);
    expect(b.disparities.tpr_disparity.value).toBeNull();

    const named = (await analyzeFairness({ ...base, referenceGroups: { g: 'c' } })).frames[0]!;
    expect(named.referenceGroup).toBe('c');
    const versusC = named.referenceDisparities.find((r) => r.group === 'a')!;
    expect(versusC.disparities.fpr_disparity.value).toBeNull(); // c's FPR is 0
    expect(versusC.disparities.ppr_disparity.value).toBeNull(); // c flagged nobody
    expect(versusC.disparities.fnr_disparity.value).toBeCloseTo(1 / 3, 15);
  });
});

describe('labels and predictions in any spelling, or a score and a threshold', () => {
  const write = (name: string, header: string, body: string[]) =>
    files.write(name, [header, ...body].join('\n') + '\n');

  test('true/false, 1.0/0.0, and a named positive label give the same counts', async () => {
    const spellings = [
      ['booleans.csv', ['True,false,x', 'FALSE,true,x', 'true,TRUE,y']],
      ['floats.csv', ['1.0,0.0,x', '0.0,1.0,x', '1.0,1,y']],
    ] as const;
    for (const [name, body] of spellings) {
      const report = await analyzeFairness({
        ...base,
        file: write(name, 'label,prediction,g', [...body]),
        attributes: ['g'],
      });
      expect(report.overall).toMatchObject({ tp: 1, fp: 1, tn: 0, fn: 1 });
    }
    const named = write('named.csv', 'label,prediction,g', ['bad,good,x', 'good,bad,x', 'bad,bad,y']);
    const report = await analyzeFairness({ ...base, file: named, attributes: ['g'], positiveLabel: 'bad' });
    expect(report.overall).toMatchObject({ tp: 1, fp: 1, tn: 0, fn: 1 });
  });

  test('score ≥ threshold is positive', async () => {
    const scored = write('scored.csv', 'label,score,g', ['1,0.5,x', '0,0.49999,x', '1,0.2,y', '0,0.9,y']);
    const report = await analyzeFairness({
      file: scored,
      label: 'label',
      score: 'score',
      threshold: 0.5,
      attributes: ['g'],
      bootstrap: { reps: 0 },
    });
    expect(report.overall).toMatchObject({ tp: 1, fp: 1, tn: 1, fn: 1 });
  });

  test.each([
    [
      'a label that is not binary',
      'label,prediction,g',
      ['1,1,x', '2,0,x'],
      {},
      { row: 2, line: 3, column: 'label' },
      /"2" is not a binary label/,
    ],
    [
      'an empty label',
      'label,prediction,g',
      ['1,1,x', ',0,x'],
      {},
      { row: 2, column: 'label' },
      /label is empty/,
    ],
    [
      'a third value beside a named positive label',
      'label,prediction,g',
      ['bad,bad,x', 'good,good,x', 'ok,bad,x'],
      { positiveLabel: 'bad' },
      { row: 3, column: 'label' },
      /"ok" is a third value/,
    ],
    [
      'predictions in another vocabulary than the named label',
      'label,prediction,g',
      ['bad,1,x', 'good,0,x'],
      { positiveLabel: 'bad' },
      { row: 2, column: 'prediction' },
      /third value/,
    ],
    [
      'a score that is not a number',
      'label,score,g',
      ['1,0.3,x', '0,high,x'],
      { prediction: undefined, score: 'score', threshold: 0.5 },
      { row: 2, line: 3, column: 'score' },
      /score "high" is not a number/,
    ],
    [
      'an attribute column that is not there',
      'label,prediction,group',
      ['1,1,x'],
      {},
      { column: 'g' },
      /no such column/,
    ],
  ])(
    '%s is a DataError naming file, row and column',
    async (_what, header, body, options, where, message) => {
      const bad = write(
        `bad-${header.length}-${body.length}-${String(body[body.length - 1])}.csv`,
        header,
        body,
      );
      const error = await analyzeFairness({ ...base, ...options, file: bad, attributes: ['g'] }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DataError);
      expect(error).toMatchObject({ file: bad, ...where });
      expect((error as DataError).message).toMatch(message);
      expect((error as DataError).message.startsWith(bad)).toBe(true);
    },
  );

  test('a file with a header and no rows', async () => {
    const empty = files.write('header-only.csv', 'label,prediction,g\n');
    await expect(analyzeFairness({ ...base, file: empty, attributes: ['g'] })).rejects.toThrow(
      /no data rows/,
    );
  });

  test('missing attribute values form their own group', async () => {
    const gaps = write('gaps.csv', 'label,prediction,g', ['1,1,x', '0,1,', '1,0,x', '0,0,']);
    const report = await analyzeFairness({ ...base, file: gaps, attributes: ['g'], minGroupSize: 0 });
    expect(report.frames[0]!.groups.map((g) => [g.group, g.n])).toEqual([
      ['(missing)', 2],
      ['x', 2],
    ]);
  });
});

describe('options that make no sense are refused before reading', () => {
  test.each([
    [
      'both a prediction and a score',
      { score: 'score', threshold: 0.5 },
      /either a prediction column, or a score/,
    ],
    ['a score without threshold', { prediction: undefined, score: 'score' }, /finite threshold/],
    ['no attributes', { attributes: [] }, /at least one sensitive attribute/],
    [
      'an unknown goal',
      { goals: { parity: { op: '>=', value: 0.8 } } },
      /"parity" is not a disparity metric/,
    ],
    [
      "a regression model's goal on a classifier",
      { goals: { bounded_group_loss: { op: '<=', value: 3 } } },
      /"bounded_group_loss" is a goal for regression models, and this one is judged as a classifier \(set flow.sanity.task: regression/,
    ],
    ['a negative verdict size floor', { verdictMinGroupSize: -1 }, /verdictMinGroupSize/],
    [
      'an intersection of unknown attributes',
      { intersections: [['g', 'age']] },
      /"age" is not one of the attributes/,
    ],
    [
      'an unknown reference group',
      { referenceGroups: { g: 'zz' } },
      /reference group "zz" is not a group of g; its groups are: a, b, c, d/,
    ],
    ['a negative minimum group size', { minGroupSize: -1 }, /minGroupSize/],
  ])('%s', async (_what, options, message) => {
    const promise = analyzeFairness({ ...base, ...(options as Partial<FairnessOptions>) });
    await expect(promise).rejects.toBeInstanceOf(FairnessOptionsError);
    await expect(analyzeFairness({ ...base, ...(options as Partial<FairnessOptions>) })).rejects.toThrow(
      message,
    );
  });
});

describe('MetricFrame aggregates, Fairlearn semantics', () => {
  test('difference and ratio by both methods', () => {
    const frame = new MetricFrame('selection_rate', ['x', 'y', 'z'], [0.2, 0.5, 0.4], 0.25, [
      true,
      true,
      true,
    ]);
    expect(frame.byGroup).toEqual({ x: 0.2, y: 0.5, z: 0.4 });
    expect([frame.groupMin(), frame.groupMax()]).toEqual([0.2, 0.5]);
    expect(frame.difference('between_groups')).toBeCloseTo(0.3, 15);
    expect(frame.difference('to_overall')).toBeCloseTo(0.25, 15);
    expect(frame.ratio('between_groups')).toBeCloseTo(0.4, 15);
    // to_overall: 0.2/0.25 = 0.8; 0.5/0.25 = 2 → 1/2; 0.4/0.25 = 1.6 → 0.625.
    expect(frame.ratio('to_overall')).toBeCloseTo(0.5, 15);
  });

  test('0/0 ratios are undefined; x/0 is 0 after inversion; nothing to compare is null', () => {
    expect(new MetricFrame('m', ['x', 'y'], [0, 0], 0, [true, true]).ratio('between_groups')).toBeNull();
    expect(new MetricFrame('m', ['x', 'y'], [0, 0], 0, [true, true]).ratio('to_overall')).toBeNull();
    expect(new MetricFrame('m', ['x', 'y'], [0, 0.3], 0, [true, true]).ratio('to_overall')).toBe(0);
    expect(new MetricFrame('m', ['x', 'y'], [null, 0.3], 0.3, [true, false]).difference()).toBeNull();
    expect(
      new MetricFrame('m', ['x', 'y'], [null, 0.3], null, [true, true]).difference('to_overall'),
    ).toBeNull();
  });
});

describe('judging goals by intervals', () => {
  const atLeast: MetricGoal = { op: '>=', value: 0.8 };
  const atMost: MetricGoal = { op: '<=', value: 0.1 };
  test.each([
    [atLeast, 0.9, [0.85, 0.95], 'pass'],
    [atLeast, 0.85, [0.78, 0.9], 'inconclusive'],
    [atLeast, 0.7, [0.6, 0.79], 'fail'],
    [atLeast, 0.8, [0.8, 0.8], 'pass'],
    [{ op: '>', value: 0.8 }, 0.85, [0.8, 0.9], 'inconclusive'],
    [atMost, 0.05, [0.02, 0.09], 'pass'],
    [atMost, 0.2, [0.11, 0.3], 'fail'],
    [{ op: '<', value: 0.1 }, 0.05, [0.02, 0.1], 'inconclusive'],
    [{ op: '==', value: 1 }, 1, [0.9, 1.1], 'inconclusive'],
    [{ op: '==', value: 1 }, 0.5, [0.4, 0.6], 'fail'],
    [atLeast, 0.79, [0.81, 0.9], 'inconclusive'], // interval clears the goal, the estimate does not
  ] as [MetricGoal, number, [number, number], string][])(
    '%j with %f in %j: %s',
    (goal, value, interval, verdict) => {
      expect(judgeGoal({ value, interval }, goal)).toBe(verdict);
    },
  );

  test('nothing measured is inconclusive; without bootstrap the estimate decides', () => {
    expect(judgeGoal({ value: null, interval: null }, atLeast)).toBe('inconclusive');
    expect(judgeGoal({ value: 0.9, interval: null }, atLeast)).toBe('pass');
    expect(judgeGoal({ value: 0.7, interval: null }, atLeast)).toBe('fail');
    expect(judgeGoal({ value: 0.9, interval: null }, atLeast, { requireInterval: true })).toBe(
      'inconclusive',
    );
  });

  test('COMPAS: demographic parity by sex passes 0.8, fails by race, and straddles 0.9', async () => {
    const compas: FairnessOptions = {
      file: publicData('compas-scores-two-years.csv'),
      label: 'two_year_recid',
      score: 'decile_score',
      threshold: 5,
      attributes: ['race', 'sex'],
      bootstrap: { reps: 300, seed: 5 },
    };
    const verdicts = async (goal: MetricGoal) =>
      (await analyzeFairness({ ...compas, goals: { demographic_parity_ratio: goal } })).judgements.map(
        (j) => [j.frame, j.verdict],
      );
    expect(await verdicts({ op: '>=', value: 0.8 })).toEqual([
      ['race', 'fail'],
      ['sex', 'pass'],
    ]);
    expect((await verdicts({ op: '>=', value: 0.9 }))[1]).toEqual(['sex', 'inconclusive']);
  });
});
