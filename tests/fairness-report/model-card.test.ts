import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { buildModel } from '../../src/stages/build-model/index.js';
import { fairnessReport } from '../../src/stages/fairness-report/index.js';
import { wilsonInterval } from '../../src/metrics/intervals.js';
import { commitAll, writeFiles } from '../helpers/git.js';
import { runInProject, tinyProject, TINY_CONFIG } from '../helpers/tiny-project.js';

// Eval predictions: 400 rows, label = income > 50 with every 10th flipped; predicted income >= 50.
const TRAIN = `import { mkdirSync, writeFileSync } from 'node:fs';
mkdirSync('model', { recursive: true });
writeFileSync('model/model.json', JSON.stringify({ threshold: 50 }));
const rows = ['id,income,gender,label,prediction,score'];
for (let i = 0; i < 400; i++) {
  const income = (i * 37) % 100;
  const label = (income > 50 ? 1 : 0) ^ (i % 10 === 0 ? 1 : 0);
  rows.push([i + 1, income, i % 2 ? 'M' : 'F', label, income >= 50 ? 1 : 0, (income / 100).toFixed(2)].join(','));
}
writeFileSync('model/eval.csv', rows.join('\\n') + '\\n');
writeFileSync('model/metrics.json', '{"precision": 0.9}');
`;

const CONFIG = TINY_CONFIG.replace('enforce: strict', 'enforce: off')
  .replace(
    '  data:\n',
    `  roles:
    decision_maker: '@acme/credit-leads'
    product_owner: '@jdoe'
    ml_engineers: ['@acme/data-science', '@ana']
  requirements:
    serving: batch
  metrics:
    model:
      - id: precision
        goal: '>= 0.80'
      - id: recall
        goal: '>= 0.55'
  data:
    sources:
      - name: invoices
        origin: primary
        priority: must-have
        location: data/invoices.csv
      - name: bureau
        origin: third-party
        priority: good-to-have
        location: https://bureau.example/scores
        owner: '@acme/data-eng'
`,
  )
  .replace(
    '    metrics: model/metrics.json\n',
    '    metrics: model/metrics.json\n    predictions: model/eval.csv\n',
  )
  .replace('    attributes: [gender]\n', '    label: label\n    attributes: [gender]\n');

const INVOICES = `invoice_id,issued,amount\nI1,2026-01-04,10.5\nI2,2025-11-30,7\nI3,2026-03-15,12\n`;

describe('the model card', () => {
  test('has every section Mitchell et al. name, filled from the build and the charter', async () => {
    const directory = await tinyProject(CONFIG);
    writeFiles(directory, { 'train.mjs': TRAIN, 'data/invoices.csv': INVOICES });
    commitAll(directory, 'card');
    const built = await runInProject(directory, buildModel, { force: true });
    expect(built.result.verdict).not.toBe('fail');
    const { result } = await runInProject(directory, fairnessReport, {});
    const card = readFileSync(path.join(directory, result.outputs['model-card-path'] as string), 'utf8');
    const digest = built.result.outputs['model-digest'] as string;
    const manifest = JSON.parse(
      readFileSync(path.join(directory, built.result.outputs['manifest-path'] as string), 'utf8'),
    );

    for (const heading of [
      '## Model details',
      '## Owners',
      '## Intended use',
      '## Out-of-scope uses',
      '## Training data',
      '## Evaluation data',
      '## Metrics',
      '## Fairness findings',
      '## Caveats',
    ])
      expect(card).toContain(`\n${heading}\n`);
    // Date and version: the digest, the build's time, the commit.
    expect(card).toContain(`- Version: \`${digest}\``);
    expect(card).toContain(`- Date: ${manifest.finishedAt}`);
    expect(card).toContain(`- Commit: ${manifest.git.commit.slice(0, 12)} on main`);
    expect(card).toContain('- Trained by: `node train.mjs`');
    // Owners: the charter's roles.
    expect(card).toContain('- decision maker: @acme/credit-leads');
    expect(card).toContain('- ML engineers: @acme/data-science, @ana');
    // Out of scope, from the charter: batch serving, the audited attribute.
    expect(card).toContain('- Online, per-request scoring: the model is built and tested for batch scoring.');
    expect(card).toContain('- Inferring or acting on gender: they are audited, not predicted.');
    // Training data: sources, sizes, date ranges; evaluation data: its rows.
    expect(card).toContain(
      '- invoices (primary, must-have): data/invoices.csv, 3 rows, issued 2025-11-30 to 2026-03-15 (content digest via file)',
    );
    expect(card).toContain('- bureau (third-party, good-to-have): https://bureau.example/scores');
    expect(card).toContain('400 rows of model/eval.csv, held out from training.');
    // Metrics with intervals: Wilson, from the eval counts.
    const rows = readFileSync(path.join(directory, 'model/eval.csv'), 'utf8').trim().split('\n').slice(1);
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const row of rows) {
      const [, , , label, prediction] = row.split(',');
      if (prediction === '1' && label === '1') tp++;
      else if (prediction === '1') fp++;
      else if (label === '1') fn++;
    }
    const [low, high] = wilsonInterval(tp, tp + fp) as [number, number];
    const show = (x: number) => x.toFixed(3);
    expect(card).toContain(
      `- precision: ${show(tp / (tp + fp))} [${show(low)}, ${show(high)}] (95% Wilson), goal ≥ 0.8`,
    );
    expect(card).toMatch(new RegExp(`- recall: ${show(tp / (tp + fn)).replace('.', '\\.')} \\[`));
  });
});
