import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { fairnessReport } from '../../src/stages/fairness-report/index.js';
import {
  attributionImportance,
  sensitiveFeatureCheck,
} from '../../src/stages/fairness-report/explainability.js';
import { runCli, tempProject } from '../helpers/cli.js';
import { runInProject } from '../helpers/tiny-project.js';
import { initRepository, commitAll } from '../helpers/git.js';

// 400 predictions: group A is selected far more often than group B, error rates similar.
function predictions(): string {
  const rows = ['id,label,prediction,score,sex,income'];
  for (let i = 0; i < 400; i++) {
    const sex = i % 2 === 0 ? 'A' : 'B';
    const label = i % 3 === 0 ? 1 : 0;
    const prediction =
      sex === 'A' ? (label === 1 || i % 5 === 0 ? 1 : 0) : label === 1 && i % 4 !== 1 ? 1 : 0;
    rows.push([i + 1, label, prediction, prediction ? '0.8' : '0.2', sex, (i * 13) % 100].join(','));
  }
  return rows.join('\n') + '\n';
}

const CONFIG = (goals: string) => `version: 1
charter:
  name: demo
  business_problem: Late payers cost money.
  data:
    sensitive_attributes: [sex]
    proxy_attributes: [income]
flow:
  enforce: off
  fairness:
    predictions: eval.csv
    label: label
    prediction: prediction
    attributes: [sex]
    min_group_size: 30
    goals:
${goals}
    explainability:
      attributions: attributions.csv
`;

function attributions(): string {
  const rows = ['id,base_value,income,tenure,debt,sex'];
  for (let i = 0; i < 400; i++) {
    rows.push(
      [i + 1, -1, ((i % 7) - 3) * 0.5, ((i % 5) - 2) * 0.1, ((i % 4) - 1.5) * 0.3, (i % 3) * 0.01].join(','),
    );
  }
  return rows.join('\n') + '\n';
}

function project(goals: string) {
  const directory = tempProject({
    'eval.csv': predictions(),
    'attributions.csv': attributions(),
    'mlops.yml': CONFIG(goals),
  });
  initRepository(directory);
  commitAll(directory, 'initial');
  return directory;
}

describe('fairness-report', () => {
  test('a goal the whole interval misses fails; the report, model card and section are written', async () => {
    const directory = project('      demographic_parity_ratio: ">= 0.80"');
    const { result } = await runInProject(directory, fairnessReport, {});
    const check = result.checks.find((c) => c.id === 'fairness/sex/demographic_parity_ratio');
    expect(check?.verdict).toBe('fail');
    expect(check?.observed).toMatch(/^0\.\d{3} \[0\.\d{3}, 0\.\d{3}\]$/);
    expect(result.verdict).toBe('fail');
    expect(result.section).toContain('xychart-beta');
    expect(result.section).toContain('| sex | `demographic_parity_ratio` |');
    const report = JSON.parse(
      readFileSync(path.join(directory, result.outputs['report-path'] as string), 'utf8'),
    );
    expect(report.frames[0].groups.map((g: { group: string; n: number }) => [g.group, g.n])).toEqual([
      ['A', 200],
      ['B', 200],
    ]);
    const card = readFileSync(path.join(directory, result.outputs['model-card-path'] as string), 'utf8');
    expect(card).toContain('# Model card: demo');
    expect(card).toMatch(/\| A \| 200 \| 0\.\d{3} \|/);
    expect(card).toContain('demographic_parity_ratio (between_groups)');
  });

  test('a goal the whole interval meets passes', async () => {
    const directory = project('      demographic_parity_ratio: ">= 0.10"');
    const { result } = await runInProject(directory, fairnessReport, {});
    expect(result.checks.find((c) => c.id === 'fairness/sex/demographic_parity_ratio')?.verdict).toBe('pass');
  });

  test('a declared proxy among the top features is flagged', async () => {
    const directory = project('      demographic_parity_ratio: ">= 0.10"');
    const { result } = await runInProject(directory, fairnessReport, {});
    const top = result.checks.find((c) => c.id === 'fairness/explainability/top-features');
    expect(top?.observed).toBe('income (declared proxy) ranks #1 — top features: income, debt, tenure');
    expect(top?.verdict).toBe('warn');
    // The comment says why the stage warns, not only the log; so does the model card.
    expect(result.section).toMatch(
      /\*\*Findings\*\*\n\n- ⚠️ No sensitive attribute or proxy among the top 3 features \(attributions\.csv\): income \(declared proxy\) ranks #1/,
    );
    const card = readFileSync(path.join(directory, result.outputs['model-card-path'] as string), 'utf8');
    expect(card).toMatch(
      /## Caveats\n[\s\S]*- No sensitive attribute or proxy among the top 3 features \(attributions\.csv\): income \(declared proxy\) ranks #1/,
    );
  });
});

test('importance is the mean absolute attribution, globally and per group', () => {
  const table = {
    columns: ['id', 'a', 'b'],
    rows: [
      { id: '1', a: '-2', b: '1' },
      { id: '2', a: '1', b: '0' },
    ],
  };
  const groups = { columns: ['g'], rows: [{ g: 'x' }, { g: 'y' }] };
  const report = attributionImportance(table, groups, ['g'], 'attr.csv');
  expect(report.global).toEqual([
    { feature: 'a', importance: 1.5 },
    { feature: 'b', importance: 0.5 },
  ]);
  expect(report.byGroup.g?.x?.[0]).toEqual({ feature: 'a', importance: 2 });
  expect(sensitiveFeatureCheck(report, ['a'], []).verdict).toBe('fail');
  expect(sensitiveFeatureCheck(report, ['zzz'], []).verdict).toBe('pass');
});

test('the standalone CLI analyses any predictions file, no mlops.yml needed', async () => {
  const directory = tempProject({ 'eval.csv': predictions() });
  const run = await runCli(
    [
      'fairness-report',
      '--predictions',
      'eval.csv',
      '--label',
      'label',
      '--prediction',
      'prediction',
      '--attribute',
      'sex',
      '--json',
    ],
    directory,
  );
  expect(run.stderr).not.toMatch(/error/);
  expect(run.code).toBe(0);
  const report = JSON.parse(run.stdout);
  expect(Object.keys(report.frames[0].disparities)).toEqual(
    expect.arrayContaining([
      'demographic_parity_difference',
      'demographic_parity_ratio',
      'equalized_odds_difference',
      'equalized_odds_ratio',
      'equal_opportunity_difference',
      'equal_opportunity_ratio',
    ]),
  );
  const missing = await runCli(
    [
      'fairness-report',
      '--predictions',
      'eval.csv',
      '--label',
      'nope',
      '--prediction',
      'prediction',
      '--attribute',
      'sex',
    ],
    directory,
  );
  expect(missing.code).toBe(2);
  expect(missing.stderr).toMatch(/eval\.csv/);
  expect(missing.stderr).toMatch(/nope/);
});

describe('COMPAS as ProPublica filtered it: 11 Native American defendants, the highest selection rate', () => {
  const compas = readFileSync(
    path.join(import.meta.dirname, '../fixtures/metrics/compas-propublica.csv'),
    'utf8',
  );
  const config = `version: 1
charter:
  name: compas
  business_problem: Pretrial risk.
  data:
    sensitive_attributes: [race]
flow:
  enforce: off
  fairness:
    predictions: compas.csv
    label: two_year_recid
    score: decile_score
    threshold: 5
    attributes: [race]
    goals:
      demographic_parity_difference: "<= 0.60"
`;

  test('the goal its point value meets is inconclusive, and the comment says which group and why', async () => {
    const directory = tempProject({ 'compas.csv': compas, 'mlops.yml': config });
    initRepository(directory);
    commitAll(directory, 'initial');
    const { result } = await runInProject(directory, fairnessReport, {});
    const check = result.checks.find((c) => c.id === 'fairness/race/demographic_parity_difference');
    expect(check?.verdict).toBe('inconclusive');
    expect(check?.observed).toMatch(/^0\.523 /);
    expect(result.section).toMatch(
      /- race, `demographic_parity_difference`: inconclusive, a group's own interval straddles the goal: .*Native American: 11 rows: the selection rate interval spans 0\.434 to 0\.903/,
    );
    expect(result.section).toContain('race Native American (11 rows; selection rate 0.727 [0.434, 0.903])');
    const card = readFileSync(path.join(directory, result.outputs['model-card-path'] as string), 'utf8');
    expect(card).toContain('| Native American (small) | 11 |');
  });

  test('with verdict_min_group_size the comment says who was left out of the verdict and what Fairlearn says with them', async () => {
    const directory = tempProject({
      'compas.csv': compas,
      'mlops.yml': config.replace(
        '    attributes: [race]\n',
        '    attributes: [race]\n    verdict_min_group_size: 30\n',
      ),
    });
    initRepository(directory);
    commitAll(directory, 'initial');
    const { result } = await runInProject(directory, fairnessReport, {});
    const check = result.checks.find((c) => c.id === 'fairness/race/demographic_parity_difference');
    expect(check?.observed).toMatch(
      /^0\.372 .*without Native American \(11 rows\) \(verdict_min_group_size\); Fairlearn's figure with them: 0\.523$/,
    );
    expect(result.section).toContain(
      "- race, `demographic_parity_difference`: judged without the groups under 30 rows (flow.fairness.verdict_min_group_size): Native American (11 rows); Fairlearn's `demographic_parity_difference` with every group is 0.523.",
    );
  });

  test("the standalone CLI prints Fairlearn's 0.523, the small group counted", async () => {
    const directory = tempProject({ 'compas.csv': compas });
    const run = await runCli(
      [
        'fairness-report',
        '--predictions',
        'compas.csv',
        '--label',
        'two_year_recid',
        '--score',
        'decile_score',
        '--threshold',
        '5',
        '--attribute',
        'race',
      ],
      directory,
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/demographic_parity_difference\s+0\.523 \(between groups\)/);
    expect(run.stdout).toMatch(/Native American\s+n=11\s.*\(small\)/);
  });
});

describe('a regression model (diabetes, a LinearRegression): the task sanity-check infers', () => {
  const diabetes = readFileSync(
    path.join(import.meta.dirname, '../fixtures/metrics/fairness-diabetes.csv'),
    'utf8',
  );
  const reference = JSON.parse(
    readFileSync(path.join(import.meta.dirname, '../fixtures/metrics/fairness-diabetes.json'), 'utf8'),
  );
  const config = (goals: string) => `version: 1
charter:
  name: progression
  business_problem: Predict disease progression a year out.
  metrics:
    model:
      - id: mae
        goal: "<= 60"
  data:
    sensitive_attributes: [sex, age_band]
flow:
  enforce: off
  fairness:
    predictions: diabetes.csv
    label: target
    prediction: prediction
    intersections: true
    goals:
${goals}
`;

  test('per group errors, bounded group loss as a goal, the charts and the model card', async () => {
    const directory = tempProject({
      'diabetes.csv': diabetes,
      'mlops.yml': config('      bounded_group_loss: "<= 200"\n      mean_absolute_error_ratio: 0.5'),
    });
    initRepository(directory);
    commitAll(directory, 'initial');
    const { result } = await runInProject(directory, fairnessReport, {});
    const bounded = result.checks.find((c) => c.id === 'fairness/sex & age_band/bounded_group_loss');
    expect(bounded?.verdict).toBe('pass');
    expect(bounded?.observed).toMatch(
      new RegExp(`^${reference.frames[2].boundedGroupLoss.absolute.max.toFixed(3).replace('.', '\\.')} `),
    );
    // A bare number on a ratio is a lower bound.
    expect(result.checks.find((c) => c.id === 'fairness/sex/mean_absolute_error_ratio')?.expected).toBe(
      '>= 0.5',
    );
    expect(result.section).toContain('| sex | n | MAE | RMSE | mean error |');
    expect(result.section).toContain('sex: mean error (prediction − target) by group');
    expect(result.section).toContain('age_band: MAE and RMSE by group');
    const report = JSON.parse(
      readFileSync(path.join(directory, result.outputs['report-path'] as string), 'utf8'),
    );
    expect(report.task).toBe('regression');
    expect(report.notes.join(' ')).toMatch(
      /Regression task: inferred from the regression metrics named \(mae\)/,
    );
    const card = readFileSync(path.join(directory, result.outputs['model-card-path'] as string), 'utf8');
    expect(card).toContain(
      '| group | n | MAE | RMSE | mean error (prediction − target) | mean prediction | mean target |',
    );
    expect(card).toMatch(/\| 2 & 19-29 \(small\) \| 14 \|/);
  });

  test('the standalone CLI takes --target and --prediction', async () => {
    const directory = tempProject({ 'diabetes.csv': diabetes });
    const args = [
      'fairness-report',
      '--predictions',
      'diabetes.csv',
      '--target',
      'target',
      '--prediction',
      'prediction',
      '--attribute',
      'sex',
    ];
    const run = await runCli([...args, '--json'], directory);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.frames[0].metrics.mean_absolute_error.difference.between_groups.value).toBeCloseTo(
      reference.frames[0].metrics.mean_absolute_error.difference.between_groups,
      9,
    );
    const text = await runCli(args, directory);
    expect(text.stdout).toMatch(/bounded_group_loss\s+\d+\.\d{3} \(absolute loss, worst: [12]\)/);
    const mixed = await runCli([...args, '--label', 'target'], directory);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/--target is for regression models/);
  });
});
