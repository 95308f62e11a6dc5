import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { loadConfigText } from '../../src/config/load.js';
import type { Finding } from '../../src/charter/finding.js';
import { RULE_FAMILIES } from '../../src/charter/rules/index.js';

const root = path.resolve(import.meta.dirname, '../..');
const example = readFileSync(path.resolve(root, '../shared/mlops.example.yml'), 'utf8');
const today = new Date('2026-11-25T12:00:00Z');

async function findings(
  text: string,
  resolveHandle?: (h: string) => Promise<'found' | 'missing' | 'unknown'>,
) {
  const loaded = loadConfigText('mlops.yml', text);
  const all: Finding[] = [];
  for (const family of RULE_FAMILIES) {
    all.push(...(await family.check({ loaded, now: today, ...(resolveHandle ? { resolveHandle } : {}) })));
  }
  return all;
}

/** The example with `from` replaced by `to` (which must occur exactly once). */
function edit(from: string, to: string, text = example): string {
  const first = text.indexOf(from);
  if (first < 0 || text.indexOf(from, first + 1) >= 0) throw new Error(`"${from}" must occur exactly once`);
  return text.replace(from, to);
}

const lineOf = (text: string, fragment: string) => text.slice(0, text.indexOf(fragment)).split('\n').length;

test('the example config has no findings', async () => {
  expect(await findings(example)).toEqual([]);
});

interface Case {
  rule: string;
  severity: 'error' | 'warning';
  text: string;
  /** A fragment on the line the finding must point at. */
  at: string;
  message: RegExp;
}

const cases: Case[] = [
  {
    rule: 'value-missing',
    severity: 'error',
    text: example.replace(/ {2}value:\n( {4}.*\n)+/, ''),
    at: 'charter:',
    message: /expected value is missing/,
  },
  {
    rule: 'role-missing',
    severity: 'error',
    text: edit('    product_owner: "@jdoe"                   # knows the business and the data\n', ''),
    at: '  roles:',
    message: /charter.roles.product_owner is missing/,
  },
  {
    rule: 'handle-malformed',
    severity: 'error',
    text: edit('"@jdoe"', '"jdoe"'),
    at: 'product_owner',
    message: /"jdoe" is not a GitHub handle/,
  },
  {
    rule: 'metric-duplicate',
    severity: 'error',
    text: edit('      - id: recall\n', '      - id: precision\n'),
    at: '      - id: precision\n        goal: ">= 0.55"',
    message: /already used at the model level/,
  },
  {
    rule: 'goal-missing',
    severity: 'error',
    text: edit('      - id: recall\n        goal: ">= 0.55"\n', '      - id: recall\n'),
    at: '      - id: recall',
    message: /recall has no goal/,
  },
  {
    rule: 'derivation-missing',
    severity: 'error',
    text: edit('        from: [recall]\n', ''),
    at: '      - id: bad_payers_flagged_share',
    message: /derives from nothing/,
  },
  {
    rule: 'derivation-unknown',
    severity: 'error',
    text: edit('from: [recall]', 'from: [recal]'),
    at: 'from: [recal]',
    message: /"recal", which is not a metric/,
  },
  {
    rule: 'derivation-level',
    severity: 'error',
    text: edit('from: [bad_payers_flagged_share]', 'from: [precision]'),
    at: 'from: [precision]',
    message: /must derive from domain metrics; "precision" is a model metric/,
  },
  {
    rule: 'estimate-unknown-metric',
    severity: 'error',
    text: edit(
      'estimate: bad_payers_flagged_share * 1200000 * 0.6',
      'estimate: bad_payers_flagged_share * debt_usd * 0.6',
    ),
    at: 'estimate:',
    message: /uses "debt_usd", which is not a metric/,
  },
  {
    rule: 'estimate-outside-from',
    severity: 'warning',
    text: edit(
      'estimate: bad_payers_flagged_share * 1200000 * 0.6',
      'estimate: bad_payers_flagged_share * precision',
    ),
    at: 'estimate:',
    message: /uses precision, which its from: list does not name/,
  },
  {
    rule: 'regulation-explainability',
    severity: 'error',
    text: edit('explainability: required', 'explainability: preferred'),
    at: 'explainability: preferred',
    message: /set requirements.explainability: required/,
  },
  {
    rule: 'regulation-sensitive-attributes',
    severity: 'error',
    text: edit('    sensitive_attributes: [gender, age_band]\n', '').replace(
      '    attributes: [gender, age_band]\n',
      '',
    ),
    at: 'regulations:',
    message: /declare the sensitive attributes/,
  },
  {
    rule: 'regulation-fairness-goals',
    severity: 'error',
    text: edit(
      '    goals:\n      demographic_parity_ratio: ">= 0.80"\n      equalized_odds_difference: "<= 0.10"\n',
      '',
    ),
    at: '  fairness:',
    message: /add fairness goals/,
  },
  {
    rule: 'explainability-source',
    severity: 'error',
    text: edit(
      '    explainability:\n      attributions: model/attributions.csv   # optional: per-row attributions (e.g. SHAP)\n      permutation_importance: { repeats: 5, metric: precision }\n',
      '',
    ),
    at: 'explainability: required',
    message: /nothing explains the model/,
  },
  {
    rule: 'data-must-have',
    severity: 'error',
    text: example.replace(/priority: must-have/g, 'priority: good-to-have'),
    at: '    sources:',
    message: /no must-have data source/,
  },
  {
    rule: 'data-third-party-owner',
    severity: 'error',
    text: edit('        origin: secondary', '        origin: third-party'),
    at: 'origin: third-party',
    message: /"regional-unemployment" names no owner/,
  },
  {
    rule: 'fairness-attribute-undeclared',
    severity: 'error',
    text: edit('    attributes: [gender, age_band]', '    attributes: [gender, race]'),
    at: 'attributes: [gender, race]',
    message: /"race" is not a declared sensitive attribute/,
  },
  {
    rule: 'online-requirement',
    severity: 'error',
    text: edit('serving: batch ', 'serving: online ').replace('    throughput_rps: 50\n', ''),
    at: 'serving: online',
    message: /online serving needs requirements.throughput_rps/,
  },
  {
    rule: 'goal-looser-than-requirement',
    severity: 'error',
    text: edit('latency_p95_ms: 250, error_rate', 'latency_p95_ms: 400, error_rate'),
    at: 'goals: { latency_p95_ms: 400',
    message: /latency goal 400 is looser than the requirement latency_p95_ms: 250/,
  },
  {
    rule: 'load-below-requirement',
    severity: 'warning',
    text: edit('load: { rate: 50,', 'load: { rate: 20,'),
    at: 'load: { rate: 20',
    message: /sends 20 requests\/s, below the required throughput of 50/,
  },
  {
    rule: 'milestone-unknown-metric',
    severity: 'error',
    text: edit('gate: [precision, recall]', 'gate: [precision, auc]'),
    at: 'gate: [precision, auc]',
    message: /gated on "auc"/,
  },
  {
    rule: 'milestone-overdue',
    severity: 'warning',
    text: edit('due: 2027-01-15', 'due: 2026-10-01'),
    at: 'due: 2026-10-01',
    message: /"first nightly batch in production" was due on 2026-10-01/,
  },
  {
    rule: 'justification-gap',
    severity: 'error',
    text: edit('    data_quality_reviewed: true\n', '    data_quality_reviewed: false\n'),
    at: 'data_quality_reviewed: false',
    message: /data_quality_reviewed is false/,
  },
  {
    rule: 'unknown-placeholder',
    severity: 'error',
    text: edit('--output {output}', '--output {outfile}'),
    at: 'predict: node predict.js',
    message: /\{outfile\} is not a placeholder flow.sanity.predict can use/,
  },
  {
    rule: 'canary-steps-order',
    severity: 'error',
    text: edit('steps: [5, 25, 50, 100]', 'steps: [5, 50, 25, 100]'),
    at: 'steps: [5, 50, 25, 100]',
    message: /25 follows 50/,
  },
  {
    rule: 'canary-steps-end',
    severity: 'error',
    text: edit('steps: [5, 25, 50, 100]', 'steps: [5, 25, 50]'),
    at: 'steps: [5, 25, 50]',
    message: /must end at 100/,
  },
  {
    rule: 'environment-missing',
    severity: 'error',
    text: edit(
      '    environment: production                  # give it required reviewers in the repo settings\n',
      '',
    ),
    at: '  canary:',
    message: /flow.canary.environment is missing/,
  },
  {
    rule: 'canary-scores',
    severity: 'error',
    text: edit('marginal_score: 75', 'marginal_score: 99'),
    at: 'marginal_score: 99',
    message: /must not exceed pass_score/,
  },
  {
    rule: 'fairness-label',
    severity: 'error',
    text: edit('    label: label\n', ''),
    at: '  fairness:',
    message: /flow.fairness.label is missing/,
  },
];

describe.each(cases)('$rule', ({ rule, severity, text, at, message }) => {
  test('fires, at the right line, with a fix in the message', async () => {
    const found = (await findings(text)).filter((finding) => finding.rule === rule);
    expect(found.length).toBeGreaterThanOrEqual(1);
    expect(found[0]?.severity).toBe(severity);
    expect(found[0]?.message).toMatch(message);
    expect(found[0]?.location.line).toBe(lineOf(text, at));
  });

  test('does not fire on the example', async () => {
    expect((await findings(example)).filter((finding) => finding.rule === rule)).toEqual([]);
  });
});

test('an estimate finding points at the identifier inside the string', async () => {
  const text = edit(
    'estimate: bad_payers_flagged_share * 1200000 * 0.6',
    'estimate: bad_payers_flagged_share * debt_usd * 0.6',
  );
  const [finding] = (await findings(text)).filter((f) => f.rule === 'estimate-unknown-metric');
  const line = text.split('\n')[(finding?.location.line ?? 1) - 1] ?? '';
  expect(line.slice((finding?.location.column ?? 1) - 1)).toMatch(/^debt_usd/);
});

test('justification gaps are warnings unless enforcement is strict', async () => {
  const gap = edit('    data_known: true\n', '');
  expect((await findings(gap)).find((f) => f.rule === 'justification-gap')?.severity).toBe('error');
  const relaxed = edit('enforce: strict', 'enforce: warn', gap);
  expect((await findings(relaxed)).find((f) => f.rule === 'justification-gap')?.severity).toBe('warning');
});

test('handles GitHub cannot find are warnings, when a resolver is given', async () => {
  const missing = await findings(example, async (handle) => (handle === '@jdoe' ? 'missing' : 'found'));
  expect(missing.map((f) => [f.rule, f.severity, f.message])).toEqual([
    [
      'handle-unknown',
      'warning',
      '@jdoe is not a user or team this token can see on GitHub: check the spelling',
    ],
  ]);
});

test('derivation cycles are reported', async () => {
  const text = edit('from: [recall]', 'from: [recall, bad_payers_flagged_share]');
  expect(
    (await findings(text)).some(
      (f) =>
        f.rule === 'derivation-cycle' &&
        /bad_payers_flagged_share → bad_payers_flagged_share/.test(f.message),
    ),
  ).toBe(true);
});
