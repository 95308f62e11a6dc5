import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { runCli, tempProject } from '../helpers/cli.js';
import { checkCalibration } from '../../src/monitor/calibration.js';
import {
  addScore,
  emptyScoreSums,
  estimatePerformance,
  mergeScoreSums,
} from '../../src/monitor/performance-estimation.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const fixtures = path.join(repoRoot, 'tests/fixtures');
/** scipy's and the closed form's figures for the breast-cancer pair (scripts/reference/drift_reference.py). */
const expected = JSON.parse(
  readFileSync(path.join(fixtures, 'drift/breast-cancer-reference.json'), 'utf8'),
) as {
  columns: Record<string, { test: string; statistic: number; p_value: number }>;
  estimation: { threshold: number; estimated_accuracy: number; realised_accuracy: number; rows: number };
};

interface MonitorJson {
  rows: { reference: number; current: number };
  columns: { column: string; test: string; statistic: number; p_value: number; psi: number }[];
  skipped: { column: string; reason: string }[];
  estimated?: {
    rows: number;
    trusted: boolean;
    warnings: string[];
    accuracy: { value: number; interval: [number, number] };
    precision: { value: number; interval: [number, number] };
    recall: { value: number; interval: [number, number] };
    f1: { value: number; interval: [number, number] };
    calibration: { calibrated: boolean; reason: string };
  };
  realised?: { rows: number; accuracy: { value: number; interval: [number, number] } };
}

async function monitor(args: string[]): Promise<{ code: number; json: MonitorJson; stderr: string }> {
  const run = await runCli(['monitor', ...args, '--json'], repoRoot);
  return {
    code: run.code,
    json: run.code === 0 ? (JSON.parse(run.stdout) as MonitorJson) : ({} as MonitorJson),
    stderr: run.stderr,
  };
}

describe('mlops-flow monitor on two files (scikit-learn breast-cancer data, covariate shift)', () => {
  const pair = [
    '--reference',
    'tests/fixtures/drift/breast-cancer-reference.csv',
    '--current',
    'tests/fixtures/drift/breast-cancer-current.csv',
  ];

  it('tests every shared column, the score included, as scipy does', async () => {
    const { code, json } = await monitor([
      ...pair,
      '--label',
      'label',
      '--score',
      'score',
      '--threshold',
      '0.5',
    ]);
    expect(code).toBe(0);
    const tested = Object.fromEntries(json.columns.map((column) => [column.column, column]));
    expect(Object.keys(tested).sort()).toEqual(Object.keys(expected.columns).sort());
    for (const [name, reference] of Object.entries(expected.columns)) {
      const column = tested[name] as MonitorJson['columns'][number];
      expect(column.test).toBe(reference.test);
      expect(Math.abs(column.statistic - reference.statistic)).toBeLessThanOrEqual(
        1e-9 * Math.max(1, reference.statistic),
      );
      expect(Math.abs(column.p_value - reference.p_value)).toBeLessThanOrEqual(1e-6 * reference.p_value);
      expect(column.psi).toBeGreaterThanOrEqual(0);
    }
    // The shift was made on mean_radius: the test sees it.
    expect((tested.mean_radius as MonitorJson['columns'][number]).p_value).toBeLessThan(1e-6);
  });

  it('estimates accuracy from the scores alone: the closed form, and an interval that holds the realised accuracy', async () => {
    const { json } = await monitor([...pair, '--label', 'label', '--score', 'score', '--threshold', '0.5']);
    const estimated = json.estimated as NonNullable<MonitorJson['estimated']>;
    expect(estimated.rows).toBe(expected.estimation.rows);
    expect(Math.abs(estimated.accuracy.value - expected.estimation.estimated_accuracy)).toBeLessThanOrEqual(
      1e-12,
    );
    const [low, high] = estimated.accuracy.interval;
    expect(low).toBeLessThanOrEqual(expected.estimation.realised_accuracy);
    expect(high).toBeGreaterThanOrEqual(expected.estimation.realised_accuracy);
    expect(estimated.calibration.calibrated).toBe(true);
    // The realised figures use the labels that the current file happens to have.
    expect(json.realised?.rows).toBe(expected.estimation.rows);
    expect(
      Math.abs((json.realised?.accuracy.value ?? NaN) - expected.estimation.realised_accuracy),
    ).toBeLessThanOrEqual(1e-12);
  });

  it('without labels in the current file, estimates and reports nothing realised', async () => {
    const text = readFileSync(path.join(fixtures, 'drift/breast-cancer-current.csv'), 'utf8');
    const lines = text
      .trimEnd()
      .split('\n')
      .map((line) => line.split(','));
    const labelAt = (lines[0] as string[]).indexOf('label');
    const unlabelled = lines
      .map((cells) => cells.filter((_, index) => index !== labelAt).join(','))
      .join('\n');
    const project = tempProject({ 'current.csv': `${unlabelled}\n` });
    const run = await runCli(
      [
        'monitor',
        '--reference',
        path.join(fixtures, 'drift/breast-cancer-reference.csv'),
        '--current',
        'current.csv',
        '--label',
        'label',
        '--score',
        'score',
        '--threshold',
        '0.5',
        '--json',
      ],
      project,
    );
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as MonitorJson;
    expect(json.realised).toBeUndefined();
    expect(
      Math.abs((json.estimated?.accuracy.value ?? NaN) - expected.estimation.estimated_accuracy),
    ).toBeLessThanOrEqual(1e-12);
    expect(json.estimated?.trusted).toBe(true);
  });

  it('prints a readable table without --json', async () => {
    const run = await runCli(
      ['monitor', ...pair, '--label', 'label', '--score', 'score', '--threshold', '0.5'],
      repoRoot,
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/mean_radius\s+ks\s+0\.5278\s+\S+\s+\S+\s+drift/);
    expect(run.stdout).toMatch(/size_band\s+chi-square/);
    expect(run.stdout).toMatch(/estimated from 69 scores/);
  });
});

describe('scores that are not probabilities are refused for estimation', () => {
  it('the Adult predictions (scores are 0/1) are called uncalibrated, with the reason', async () => {
    const adult = 'tests/fixtures/data/adult_rf_binary.csv';
    const { code, json } = await monitor([
      '--reference',
      adult,
      '--current',
      adult,
      '--label',
      'label_value',
      '--score',
      'score',
      '--threshold',
      '0.5',
    ]);
    expect(code).toBe(0);
    expect(json.estimated?.trusted).toBe(false);
    expect(json.estimated?.calibration.calibrated).toBe(false);
    expect(json.estimated?.warnings.join(' ')).toMatch(/only the values 0 and 1: they are hard predictions/);
    // Identical samples: no drift anywhere.
    for (const column of json.columns) {
      expect(column.statistic).toBeLessThan(1e-12);
      expect(column.p_value).toBeGreaterThan(0.999999);
    }
  });

  it('a miscalibrated score fails the Hosmer-Lemeshow check', () => {
    const scores = new Float64Array(2000);
    const labels = new Uint8Array(2000);
    for (let i = 0; i < 2000; i++) {
      scores[i] = 0.9; // says 90 %
      labels[i] = i % 2; // is right half the time
    }
    const calibration = checkCalibration(scores, labels);
    expect(calibration.calibrated).toBe(false);
    expect(calibration.reason).toMatch(/not calibrated/);
  });
});

describe('confidence-based estimation in closed form', () => {
  it('accuracy is the mean probability that the thresholded prediction is right; sums merge', () => {
    const scores = [0.95, 0.8, 0.55, 0.4, 0.1, 0.02, 0.7, 0.3];
    const whole = emptyScoreSums();
    const left = emptyScoreSums();
    const right = emptyScoreSums();
    scores.forEach((score, index) => {
      addScore(whole, score, 0.5);
      addScore(index < 3 ? left : right, score, 0.5);
    });
    const estimate = estimatePerformance(whole);
    const meanRight = scores.reduce((sum, s) => sum + (s >= 0.5 ? s : 1 - s), 0) / scores.length;
    expect(estimate.accuracy.value).toBeCloseTo(meanRight, 14);
    const tp = 0.95 + 0.8 + 0.55 + 0.7;
    const fn = 0.4 + 0.1 + 0.02 + 0.3;
    expect(estimate.precision.value).toBeCloseTo(tp / 4, 14);
    expect(estimate.recall.value).toBeCloseTo(tp / (tp + fn), 14);
    expect(estimate.f1.value).toBeCloseTo((2 * tp) / (2 * tp + (4 - tp) + fn), 14);
    expect(estimatePerformance(mergeScoreSums(left, right))).toEqual(estimate);
  });
});

describe('bad input is a clear error', () => {
  it('names a missing score column', async () => {
    const run = await runCli(
      [
        'monitor',
        '--reference',
        'tests/fixtures/data/adult_rf_binary.csv',
        '--current',
        'tests/fixtures/data/adult_rf_binary.csv',
        '--score',
        'nope',
        '--threshold',
        '0.5',
      ],
      repoRoot,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no score column "nope"/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('asks for both files', async () => {
    const run = await runCli(['monitor', '--reference', 'x.csv'], repoRoot);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--reference and --current/);
  });

  it('refuses a threshold outside [0, 1]', async () => {
    const run = await runCli(
      ['monitor', '--reference', 'a.csv', '--current', 'b.csv', '--score', 's', '--threshold', '7'],
      repoRoot,
    );
    expect(run.code).toBe(2);
  });
});
