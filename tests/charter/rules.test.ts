import { describe, expect, test } from '@jest/globals';
import type { Finding, RuleContext } from '../../src/charter/finding.js';
import { RULE_FAMILIES, runRules } from '../../src/charter/rules/index.js';
import type { LoadedConfig } from '../../src/config/load.js';
import {
  TODAY,
  drop,
  dropBlock,
  edit,
  example,
  load,
  minimal,
  position,
} from '../fixtures/charter/example.js';

async function findingsOf(
  text: string | LoadedConfig,
  extra: Partial<Omit<RuleContext, 'loaded'>> = {},
): Promise<Finding[]> {
  const loaded = typeof text === 'string' ? load(text) : text;
  const outcomes = await runRules({ loaded, now: TODAY, ...extra });
  return outcomes.flatMap((outcome) => outcome.findings);
}

const ofRule = async (rule: string, text: string, extra?: Partial<Omit<RuleContext, 'loaded'>>) =>
  (await findingsOf(text, extra)).filter((finding) => finding.rule === rule);

test('the shared example has no findings at all', async () => {
  expect(await findingsOf(example)).toEqual([]);
});

test('the minimal fixture has no findings at all', async () => {
  expect(await findingsOf(minimal)).toEqual([]);
});

test('rule families have distinct ids, and no rule id reuses a family id', async () => {
  const families = RULE_FAMILIES.map((family) => family.id);
  expect(new Set(families).size).toBe(families.length);
  for (const id of families) expect(id).toMatch(/^[a-z]+(-[a-z]+)*$/);
  const rules = cases.map((c) => c.rule);
  for (const rule of rules) {
    expect(rule).toMatch(/^[a-z]+(-[a-z0-9]+)*$/);
    expect(families).not.toContain(rule);
  }
});

interface Case {
  /** What the case shows, for the test name. */
  name: string;
  rule: string;
  severity: 'error' | 'warning';
  /** A config where the rule fires. */
  fires: string;
  /** Where the first finding must point: the line holding the first string, at the second. */
  at: [line: string, target?: string];
  message: RegExp;
  /** The nearest config where it must stay quiet. */
  quiet: string;
  now?: Date;
}

const deployGoals = '    goals: { latency_p95_ms: 250, error_rate: "< 0.01", precision: ">= 0.80" }';
const withDeployGoals = (goals: string) => edit(deployGoals, `    goals: { ${goals} }`);

const cases: Case[] = [
  // Problem, value and roles
  {
    name: 'no expected value',
    rule: 'value-missing',
    severity: 'error',
    fires: drop('  value: {', minimal),
    at: ['charter:', 'charter'],
    message: /expected value is missing: add charter.value with amount, currency and period/,
    quiet: minimal,
  },
  {
    name: 'no product owner',
    rule: 'role-missing',
    severity: 'error',
    fires: drop('    product_owner: "@jdoe"'),
    at: ['  roles:', 'roles'],
    message: /charter.roles.product_owner is missing: name the product owner/,
    quiet: drop('    mlops_engineers:'),
  },
  {
    name: 'a role without the @',
    rule: 'handle-malformed',
    severity: 'error',
    fires: edit('"@jdoe"', '"jdoe"'),
    at: ['product_owner', '"jdoe"'],
    message: /"jdoe" is not a GitHub handle: write "@user" or "@org\/team"/,
    quiet: edit('"@jdoe"', '"@j-doe"'),
  },
  {
    name: 'a team name with a trailing hyphen, in a list',
    rule: 'handle-malformed',
    severity: 'error',
    fires: edit('ml_engineers: ["@acme/data-science"]', 'ml_engineers: ["@jdoe", "@acme-/ds"]'),
    at: ['ml_engineers', '"@acme-/ds"'],
    message: /"@acme-\/ds" is not a GitHub handle/,
    quiet: edit('ml_engineers: ["@acme/data-science"]', 'ml_engineers: ["@jdoe", "@acme/ds_team.x"]'),
  },
  {
    name: 'a data owner without the @',
    rule: 'handle-malformed',
    severity: 'error',
    fires: edit('owner: "@acme/data-eng"', 'owner: "data-eng"'),
    at: ['owner: "data-eng"', '"data-eng"'],
    message: /"data-eng" is not a GitHub handle/,
    quiet: example,
  },
  // Metric alignment
  {
    name: 'an id used at two levels',
    rule: 'metric-duplicate',
    severity: 'error',
    fires: edit('- { id: churners_reached_share, goal', '- { id: recall, goal', minimal).replace(
      'from: [churners_reached_share]',
      'from: [recall]',
    ),
    at: ['{ id: recall, goal: ">= 0.5"', 'recall'],
    message: /metric id "recall" is already used at the model level/,
    quiet: minimal,
  },
  {
    name: 'no model metrics',
    rule: 'metrics-missing',
    severity: 'error',
    fires: drop('- { id: recall', drop('    model:', minimal)),
    at: ['  metrics:', 'metrics'],
    message: /no model metrics: list the data scientist's metrics/,
    quiet: minimal,
  },
  {
    name: 'no business KPIs',
    rule: 'metrics-missing',
    severity: 'warning',
    fires: drop('- { id: revenue_kept_eur', drop('    business:', minimal)),
    at: ['  metrics:', 'metrics'],
    message: /no business metrics: list the business stakeholder's KPIs/,
    quiet: minimal,
  },
  {
    name: 'a metric without a goal',
    rule: 'goal-missing',
    severity: 'error',
    fires: edit('- { id: recall, goal: ">= 0.6" }', '- { id: recall }', minimal),
    at: ['- { id: recall }', 'recall'],
    message: /recall has no goal: add goal:/,
    quiet: minimal,
  },
  {
    name: 'a domain metric without from',
    rule: 'derivation-missing',
    severity: 'error',
    fires: drop('        from: [recall]'),
    at: ['- id: bad_payers_flagged_share', 'bad_payers_flagged_share'],
    message: /domain metric bad_payers_flagged_share derives from nothing: add from: \[<model metric ids>\]/,
    quiet: example,
  },
  {
    name: 'a business KPI with an empty from',
    rule: 'derivation-missing',
    severity: 'error',
    fires: edit('from: [bad_payers_flagged_share]', 'from: []'),
    at: ['from: []', '[]'],
    message: /business metric bad_debt_avoided_usd derives from nothing: add from: \[<domain metric ids>\]/,
    quiet: example,
  },
  {
    name: 'from names an unknown id',
    rule: 'derivation-unknown',
    severity: 'error',
    fires: edit('from: [recall]', 'from: [recal]'),
    at: ['from: [recal]', 'recal'],
    message: /bad_payers_flagged_share derives from "recal", which is not a metric in the charter/,
    quiet: edit('from: [recall]', 'from: [recall, precision]'),
  },
  {
    name: 'a business KPI derived straight from a model metric',
    rule: 'derivation-level',
    severity: 'error',
    fires: edit('from: [bad_payers_flagged_share]', 'from: [bad_payers_flagged_share, precision]'),
    at: ['from: [bad_payers_flagged_share, precision]', 'precision'],
    message:
      /business metric bad_debt_avoided_usd must derive from domain metrics; "precision" is a model metric/,
    quiet: example,
  },
  {
    name: 'two metrics deriving from each other',
    rule: 'derivation-cycle',
    severity: 'error',
    fires: edit('from: [recall]', 'from: [recall, bad_debt_avoided_usd]'),
    at: ['from: [bad_payers_flagged_share]', '['],
    message: /cycle: bad_payers_flagged_share → bad_debt_avoided_usd → bad_payers_flagged_share/,
    quiet: example,
  },
  // Estimates
  {
    name: 'an estimate reading an unknown id',
    rule: 'estimate-unknown-metric',
    severity: 'error',
    fires: edit('* 1200000 * 0.6', '* debt_usd * 0.6'),
    at: ['estimate:', 'debt_usd'],
    message: /the estimate of bad_debt_avoided_usd uses "debt_usd", which is not a metric in the charter/,
    quiet: example,
  },
  {
    name: 'an estimate reading a metric its from does not name',
    rule: 'estimate-outside-from',
    severity: 'warning',
    fires: edit('* 1200000 * 0.6', '* 1200000 * recall'),
    at: ['estimate:', 'recall'],
    message: /uses recall, which its from: list does not name: add it to from/,
    quiet: edit('from: [bad_payers_flagged_share]', 'from: [bad_payers_flagged_share, recall]').replace(
      '* 1200000 * 0.6',
      '* 1200000 * recall',
    ),
  },
  // Regulations
  {
    name: 'a regulation with explainability only preferred',
    rule: 'regulation-explainability',
    severity: 'error',
    fires: edit('explainability: required', 'explainability: preferred'),
    at: ['explainability: preferred', 'preferred'],
    message: /regulations \(ECOA, GDPR\) are named, so set requirements.explainability: required/,
    quiet: edit('explainability: required', 'explainability: none').replace(
      'regulations: [ECOA, GDPR]',
      'regulations: []',
    ),
  },
  {
    name: 'a regulation with explainability not written',
    rule: 'regulation-explainability',
    severity: 'error',
    fires: drop('explainability: required'),
    at: ['regulations: [ECOA, GDPR]', 'regulations'],
    message: /set requirements.explainability: required/,
    quiet: example,
  },
  {
    name: 'a regulation without sensitive attributes',
    rule: 'regulation-sensitive-attributes',
    severity: 'error',
    fires: drop('    sensitive_attributes: [gender, age_band]'),
    at: ['regulations: [ECOA, GDPR]', 'regulations'],
    message: /declare the sensitive attributes .* under charter.data.sensitive_attributes/,
    quiet: example,
  },
  {
    name: 'a regulation without fairness goals',
    rule: 'regulation-fairness-goals',
    severity: 'error',
    fires: edit(
      '    goals:\n      demographic_parity_ratio: ">= 0.80"\n      equalized_odds_difference: "<= 0.10"\n',
      '',
    ),
    at: ['  fairness:', 'fairness'],
    message: /add fairness goals under flow.fairness.goals/,
    quiet: example,
  },
  {
    name: 'explainability required, nothing produces it',
    rule: 'explainability-source',
    severity: 'error',
    fires: dropBlock('    explainability:'),
    at: ['explainability: required', 'required'],
    message: /nothing explains the model: set flow.fairness.explainability.attributions/,
    quiet: drop('      attributions: model/attributions.csv'),
  },
  {
    name: 'permutation importance without a predict command',
    rule: 'explainability-source',
    severity: 'error',
    fires: drop('    predict: node predict.js', drop('      attributions: model/attributions.csv')),
    at: ['explainability: required', 'required'],
    message: /re-runs the model through flow.sanity.predict, which is missing/,
    quiet: drop('      attributions: model/attributions.csv'),
  },
  // Data
  {
    name: 'nothing must-have',
    rule: 'data-must-have',
    severity: 'error',
    fires: example.replace(/priority: must-have/g, 'priority: good-to-have'),
    at: ['    sources:', 'sources'],
    message: /no must-have data source/,
    quiet: example.replace('priority: must-have', 'priority: good-to-have'),
  },
  {
    name: 'a third-party source without an owner',
    rule: 'data-third-party-owner',
    severity: 'error',
    fires: edit('origin: secondary', 'origin: third-party'),
    at: ['origin: third-party', 'third-party'],
    message: /third-party source "regional-unemployment" names no owner: add owner:/,
    quiet: edit(
      '{ name: usage, origin: primary, priority: must-have }',
      '{ name: usage, origin: third-party, priority: must-have, owner: "@acme/vendor" }',
      minimal,
    ),
  },
  {
    name: 'a fairness attribute that is not declared sensitive',
    rule: 'fairness-attribute-undeclared',
    severity: 'error',
    fires: edit('    attributes: [gender, age_band]', '    attributes: [gender, race]'),
    at: ['attributes: [gender, race]', 'race'],
    message: /fairness attribute "race" is not a declared sensitive attribute/,
    quiet: edit('    attributes: [gender, age_band]', '    attributes: [age_band]'),
  },
  // Serving
  {
    name: 'online serving without a throughput',
    rule: 'online-requirement',
    severity: 'error',
    fires: drop('    throughput_rps: 50'),
    at: ['serving: online', 'online'],
    message: /online serving needs requirements.throughput_rps/,
    quiet: example,
  },
  {
    name: 'batch serving with a load test of an online endpoint',
    rule: 'batch-load-test',
    severity: 'error',
    fires: edit('serving: online', 'serving: batch'),
    at: ['load: { rate: 50', '{'],
    message:
      /requirements\.serving is batch, yet flow\.deploy_test\.load load-tests an online endpoint: make requirements\.serving online/,
    quiet: example,
  },
  {
    name: 'batch serving with a latency goal in deploy-test',
    rule: 'batch-online-goal',
    severity: 'error',
    fires: edit('serving: online', 'serving: batch'),
    at: ['latency_p95_ms: 250, error_rate', '250'],
    message:
      /requirements\.serving is batch, yet flow\.deploy_test\.goals\.latency_p95_ms judges an online endpoint/,
    quiet: drop(
      '    load: { rate: 50',
      edit('latency_p95_ms: 250, error_rate', 'error_rate', edit('serving: online', 'serving: batch')),
    ),
  },
  {
    name: 'a latency goal above the requirement',
    rule: 'goal-looser-than-requirement',
    severity: 'error',
    fires: withDeployGoals('latency_p95_ms: 400, precision: ">= 0.80"'),
    at: ['latency_p95_ms: 400', '400'],
    message: /p95 latency goal ≤ 400 is looser than the requirement latency_p95_ms: 250: make it "<= 250"/,
    quiet: withDeployGoals('latency_p95_ms: "< 200", precision: ">= 0.80"'),
  },
  {
    name: 'a throughput goal below the requirement',
    rule: 'goal-looser-than-requirement',
    severity: 'error',
    fires: withDeployGoals('latency_p95_ms: 250, throughput_rps: ">= 40"'),
    at: ['throughput_rps: ">= 40"', '">= 40"'],
    message: /throughput goal ≥ 40 is looser than the requirement throughput_rps: 50: make it ">= 50"/,
    quiet: withDeployGoals('latency_p95_ms: 250, throughput_rps: "> 50"'),
  },
  {
    name: 'a load test slower than the required throughput',
    rule: 'load-below-requirement',
    severity: 'warning',
    fires: edit('load: { rate: 50,', 'load: { rate: 20,'),
    at: ['load: { rate: 20', '20'],
    message: /sends 20 requests\/s, below the required throughput of 50/,
    quiet: edit('load: { rate: 50,', 'load: { rate: 80,'),
  },
  // Milestones
  {
    name: 'a milestone gated on an unknown metric',
    rule: 'milestone-unknown-metric',
    severity: 'error',
    fires: edit('gate: [precision, recall]', 'gate: [precision, auc]'),
    at: ['gate: [precision, auc]', 'auc'],
    message: /"first nightly batch in production" is gated on "auc", which is not a metric/,
    quiet: edit('gate: [precision, recall]', 'gate: [bad_debt_avoided_usd]'),
  },
  {
    name: 'a milestone past its date',
    rule: 'milestone-overdue',
    severity: 'warning',
    fires: edit('due: 2027-01-15', 'due: 2026-11-24'),
    at: ['due: 2026-11-24', '2026-11-24'],
    message: /milestone "first nightly batch in production" was due on 2026-11-24: set a new date/,
    quiet: edit('due: 2027-01-15', 'due: 2026-11-25'),
  },
  // Justification
  {
    name: 'data quality not reviewed, under strict enforcement',
    rule: 'justification-gap',
    severity: 'error',
    fires: edit('data_quality_reviewed: true', 'data_quality_reviewed: false'),
    at: ['data_quality_reviewed: false', 'false'],
    message: /justification.data_quality_reviewed is false: settle whether the data's quality was reviewed/,
    quiet: example,
  },
  {
    name: 'why ML unanswered, under warn enforcement',
    rule: 'justification-gap',
    severity: 'warning',
    fires: drop('    why_ml:', edit('enforce: strict', 'enforce: warn')),
    at: ['  justification:', 'justification'],
    message: /justification.why_ml is missing: say why ML rather than a process change/,
    quiet: edit('enforce: strict', 'enforce: warn'),
  },
  {
    name: 'no alternatives weighed',
    rule: 'justification-gap',
    severity: 'error',
    fires: edit(
      'alternatives: [stricter credit limits for all customers, manual review by the credit team]',
      'alternatives: []',
    ),
    at: ['alternatives: []', '[]'],
    message: /justification.alternatives is empty: say which alternatives were weighed/,
    quiet: example,
  },
  // Commands that need a shell: the runner's own parser (exec/words.ts) decides
  {
    name: 'a build command with a semicolon',
    rule: 'command-needs-shell',
    severity: 'error',
    fires: edit(
      'command: node train.js --data data/credit.csv --out model/',
      'command: node train.js --data data/credit.csv; rm -rf model/',
    ),
    at: ['command: node train.js', ';'],
    message: /flow.build.command: the command .* uses the shell operator ";": commands run without a shell/,
    quiet: example,
  },
  {
    name: 'a build command with an and-list',
    rule: 'command-needs-shell',
    severity: 'error',
    fires: edit(
      'command: node train.js --data data/credit.csv --out model/',
      'command: node train.js --data data/credit.csv && echo done',
    ),
    at: ['command: node train.js', '&&'],
    message: /flow.build.command: the command .* uses the shell operator "&": commands run without a shell/,
    quiet: example,
  },
  {
    name: 'a build command with a pipe',
    rule: 'command-needs-shell',
    severity: 'error',
    fires: edit(
      'command: node train.js --data data/credit.csv --out model/',
      'command: node train.js --data data/credit.csv | tee log',
    ),
    at: ['command: node train.js', '|'],
    message: /flow.build.command: the command .* uses the shell operator "\|": commands run without a shell/,
    quiet: example,
  },
  {
    name: 'a build command with a backtick',
    rule: 'command-needs-shell',
    severity: 'error',
    fires: edit(
      'command: node train.js --data data/credit.csv --out model/',
      'command: node train.js --data `cat path`',
    ),
    at: ['command: node train.js', '`'],
    message: /flow.build.command: the command .* uses the shell operator "`": commands run without a shell/,
    quiet: example,
  },
  {
    name: 'a build command with a command substitution',
    rule: 'command-needs-shell',
    severity: 'error',
    fires: edit(
      'command: node train.js --data data/credit.csv --out model/',
      'command: node train.js --data $(cat path)',
    ),
    at: ['command: node train.js', '$('],
    message:
      /flow.build.command: the command .* uses the shell operator "\$\(": commands run without a shell/,
    quiet: example,
  },
  {
    name: 'a build command with a redirection',
    rule: 'command-needs-shell',
    severity: 'error',
    fires: edit(
      'command: node train.js --data data/credit.csv --out model/',
      'command: node train.js --data data/credit.csv > log',
    ),
    at: ['command: node train.js', '>'],
    message: /flow.build.command: the command .* uses the shell operator ">": commands run without a shell/,
    quiet: example,
  },
  {
    name: 'a build command with a background &',
    rule: 'command-needs-shell',
    severity: 'error',
    fires: edit(
      'command: node train.js --data data/credit.csv --out model/',
      'command: node train.js --data data/credit.csv &',
    ),
    at: ['command: node train.js', '&'],
    message: /flow.build.command: the command .* uses the shell operator "&": commands run without a shell/,
    quiet: example,
  },
  {
    name: 'a build command with an unclosed quote',
    rule: 'command-needs-shell',
    severity: 'error',
    fires: edit(
      'command: node train.js --data data/credit.csv --out model/',
      "command: node train.js --data 'data/credit.csv",
    ),
    at: ['command: node train.js', "'"],
    message: /flow.build.command: the command .* has an unclosed single quote/,
    quiet: example,
  },
  {
    name: 'a deploy command spanning two lines',
    rule: 'command-needs-shell',
    severity: 'error',
    fires: edit('deploy: ./deploy.sh staging {model}', 'deploy: "./deploy.sh staging {model}\\nrm -rf /"'),
    at: ['deploy: "./deploy.sh', '"./deploy.sh'],
    message: /flow.deploy_test.deploy: the command spans more than one line/,
    quiet: edit('deploy: ./deploy.sh staging {model}', 'deploy: "./deploy.sh staging {model}\\n"'),
  },
  // Placeholders
  {
    name: 'predict with an unknown placeholder',
    rule: 'unknown-placeholder',
    severity: 'error',
    fires: edit('--output {output}', '--output {outfile}'),
    at: ['predict: node predict.js', '{outfile}'],
    message:
      /\{outfile\} is not a placeholder flow.sanity.predict can use: it may use \{model\}, \{input\}, \{output\}/,
    quiet: example,
  },
  {
    name: 'deploy reading the canary weight',
    rule: 'unknown-placeholder',
    severity: 'error',
    fires: edit('deploy: ./deploy.sh staging {model}', 'deploy: ./deploy.sh {weight} {model}'),
    at: ['deploy: ./deploy.sh', '{weight}'],
    message: /\{weight\} is not a placeholder flow.deploy_test.deploy can use/,
    quiet: edit(
      'deploy: ./deploy.sh staging {model}',
      'deploy: ./deploy.sh {environment} {model} {endpoint}',
    ),
  },
  {
    name: 'promote reading the canary weight, as a word list',
    rule: 'unknown-placeholder',
    severity: 'error',
    fires: edit('promote: ./promote.sh {model}', 'promote: [./promote.sh, "{model}", "--at={weight}"]'),
    at: ['promote: [', '{weight}'],
    message:
      /\{weight\} is not a placeholder flow.canary.promote can use: it may use \{model\}, \{environment\}/,
    quiet: edit('promote: ./promote.sh {model}', 'promote: [./promote.sh, "{model}", "{environment}"]'),
  },
  {
    name: 'traffic with the endpoint',
    rule: 'unknown-placeholder',
    severity: 'error',
    fires: edit('traffic: ./set-weight.sh {weight}', 'traffic: ./set-weight.sh {endpoint}'),
    at: ['traffic:', '{endpoint}'],
    message: /\{endpoint\} is not a placeholder flow.canary.traffic can use/,
    quiet: edit('traffic: ./set-weight.sh {weight}', 'traffic: ./set-weight.sh {weight} {variant} {model}'),
  },
  {
    name: 'rollback with the weight',
    rule: 'unknown-placeholder',
    severity: 'error',
    fires: edit('rollback: ./rollback.sh', 'rollback: ./rollback.sh {weight}'),
    at: ['rollback:', '{weight}'],
    message: /\{weight\} is not a placeholder flow.canary.rollback can use/,
    quiet: edit('rollback: ./rollback.sh', 'rollback: ./rollback.sh {model} {environment}'),
  },
  {
    name: 'a canary query with the model',
    rule: 'unknown-placeholder',
    severity: 'error',
    fires: edit('{variant="{variant}",code', '{variant="{variant}",model="{model}",code'),
    at: ['model="{model}"', '{model}'],
    message: /\{model\} is not a placeholder the canary query of error_rate can use: it may use \{variant\}/,
    quiet: example,
  },
  {
    name: 'teardown with the endpoint is fine; with the canary weight it is not',
    rule: 'unknown-placeholder',
    severity: 'error',
    fires: edit(
      'deploy: ./deploy.sh staging {model}',
      'deploy: ./deploy.sh staging {model}\n    teardown: ./teardown.sh {weight}',
    ),
    at: ['teardown: ./teardown.sh', '{weight}'],
    message:
      /\{weight\} is not a placeholder flow.deploy_test.teardown can use: it may use \{model\}, \{environment\}, \{endpoint\}/,
    quiet: edit(
      'deploy: ./deploy.sh staging {model}',
      'deploy: ./deploy.sh staging {model}\n    teardown: ./teardown.sh {environment} {model} {endpoint}',
    ),
  },
  {
    name: 'a canary query with the metric and the window is fine; with the weight it is not',
    rule: 'unknown-placeholder',
    severity: 'error',
    fires: edit('{variant="{variant}",code', '{variant="{variant}",weight="{weight}",code'),
    at: ['weight="{weight}"', '{weight}'],
    message:
      /\{weight\} is not a placeholder the canary query of error_rate can use: it may use \{variant\}, \{metric\}, \{start\}, \{end\}/,
    quiet: edit(
      '{variant="{variant}",code',
      '{variant="{variant}",metric="{metric}",from="{start}",to="{end}",code',
    ),
  },
  {
    name: 'a canary metric command with the window is fine; with the model it is not',
    rule: 'unknown-placeholder',
    severity: 'error',
    fires: edit(
      '      provider: prometheus',
      '      provider: command\n      command: ./metric.sh {metric} {variant} {model}',
    ),
    at: ['command: ./metric.sh', '{model}'],
    message: /\{model\} is not a placeholder flow.canary.analysis.command can use/,
    quiet: edit(
      '      provider: prometheus',
      '      provider: command\n      command: ./metric.sh {metric} {variant} {start} {end}',
    ),
  },
  // Flow sections
  {
    name: 'a canary without an environment',
    rule: 'environment-missing',
    severity: 'error',
    fires: drop('    environment: production'),
    at: ['  canary:', 'canary'],
    message: /flow.canary.environment is missing: name the GitHub environment with required reviewers/,
    quiet: example,
  },
  {
    name: 'deploy-test without an endpoint',
    rule: 'deploy-test-incomplete',
    severity: 'error',
    fires: drop('    endpoint: http://127.0.0.1:8080/predict'),
    at: ['  deploy_test:', 'deploy_test'],
    message: /flow.deploy_test.endpoint is missing/,
    quiet: example,
  },
  {
    name: 'deploy-test without a deploy command',
    rule: 'deploy-test-incomplete',
    severity: 'error',
    fires: drop('    deploy: ./deploy.sh staging {model}'),
    at: ['  deploy_test:', 'deploy_test'],
    message: /flow.deploy_test.deploy is missing/,
    quiet: example,
  },
  {
    name: 'an endpoint that is a file URL',
    rule: 'url-scheme',
    severity: 'error',
    fires: edit('endpoint: http://127.0.0.1:8080/predict', 'endpoint: file:///etc/passwd'),
    at: ['endpoint: file:', 'file:'],
    message: /flow.deploy_test.endpoint uses the scheme file: only http and https/,
    quiet: edit('endpoint: http://127.0.0.1:8080/predict', 'endpoint: https://model.test/predict'),
  },
  {
    name: 'a Prometheus address that is a gopher URL',
    rule: 'url-scheme',
    severity: 'error',
    fires: edit('address: http://127.0.0.1:9090', 'address: gopher://x'),
    at: ['address: gopher', 'gopher'],
    message: /flow.canary.analysis.address uses the scheme gopher: only http and https/,
    quiet: example,
  },
  {
    name: 'a load test of 1e12 requests per second',
    rule: 'rate-range',
    severity: 'error',
    fires: edit('load: { rate: 50,', 'load: { rate: 1e12,'),
    at: ['load: { rate: 1e12', '1e12'],
    message: /flow.deploy_test.load.rate is 1000000000000: at most 100000 requests per second/,
    quiet: example,
  },
  {
    name: 'a load test lasting 99,999,999,999 hours',
    rule: 'duration-range',
    severity: 'error',
    fires: edit('duration: 30s', 'duration: 99999999999h'),
    at: ['duration: 99999999999h', '99999999999h'],
    message: /flow.deploy_test.load.duration is 99999999999h: at most 120h/,
    quiet: edit('duration: 30s', 'duration: 120h'),
  },
  {
    name: 'a load test lasting 0s',
    rule: 'duration-range',
    severity: 'error',
    fires: edit('duration: 30s', 'duration: 0s'),
    at: ['duration: 0s', '0s'],
    message: /flow.deploy_test.load.duration is 0s: a duration must be longer than 0/,
    quiet: example,
  },
  {
    name: 'a step duration of 0m',
    rule: 'duration-range',
    severity: 'error',
    fires: edit('step_duration: 5m', 'step_duration: 0m'),
    at: ['step_duration: 0m', '0m'],
    message: /flow.canary.step_duration is 0m: a duration must be longer than 0/,
    quiet: example,
  },
  {
    name: 'a cron minute of 99',
    rule: 'schedule-invalid',
    severity: 'error',
    fires: edit('schedule: "0 2 * * *"', 'schedule: "99 2 * * *"'),
    at: ['schedule: "99', '99'],
    message: /schedule "99 2 \* \* \*": the minute 99 is outside 0–59/,
    quiet: edit('schedule: "0 2 * * *"', 'schedule: "*/15 1-5 1,15 jan-jun mon-fri"'),
  },
  {
    name: 'an escape character in a text',
    rule: 'control-character',
    severity: 'error',
    fires: edit('environment: staging', 'environment: "stag\\u001bing"'),
    at: ['environment: "stag', '"stag'],
    message: /flow.deploy_test.environment holds the control character U\+001B/,
    quiet: example,
  },
  {
    name: 'deploy-test without an environment',
    rule: 'environment-missing',
    severity: 'error',
    fires: drop('    environment: staging'),
    at: ['  deploy_test:', 'deploy_test'],
    message: /flow.deploy_test.environment is missing/,
    quiet: example,
  },
  {
    name: 'fairness without a label column',
    rule: 'fairness-label',
    severity: 'error',
    fires: drop('    label: label'),
    at: ['  fairness:', 'fairness'],
    message: /flow.fairness.label is missing/,
    quiet: example,
  },
  {
    name: 'fairness without predictions or scores',
    rule: 'fairness-prediction',
    severity: 'error',
    fires: drop('    score: score', drop('    prediction: prediction')),
    at: ['  fairness:', 'fairness'],
    message: /flow.fairness needs prediction .* or score/,
    quiet: drop('    prediction: prediction'),
  },
  {
    name: 'a score without a threshold',
    rule: 'fairness-threshold',
    severity: 'warning',
    fires: edit('    score: score', '    score: risk_score', drop('    prediction: prediction')),
    at: ['score: risk_score', 'risk_score'],
    message: /score column but no prediction and no threshold: set threshold/,
    quiet: edit('    prediction: prediction', '    threshold: 0.5'),
  },
  {
    name: 'fairness with no predictions file',
    rule: 'fairness-predictions-file',
    severity: 'error',
    fires: drop('    predictions: model/eval-predictions.csv'),
    at: ['  fairness:', 'fairness'],
    message: /fairness-report has no predictions to read/,
    quiet: drop(
      '    predictions: model/eval-predictions.csv',
      edit('    label: label', '    label: label\n    predictions: data/scored.csv'),
    ),
  },
  {
    name: 'sanity with a predict command but no sample',
    rule: 'sanity-incomplete',
    severity: 'error',
    fires: drop('    sample: data/sample.csv'),
    at: ['  sanity:', 'sanity'],
    message: /flow.sanity has a predict command but no sample/,
    quiet: example,
  },
  // Canary
  {
    name: 'canary steps out of order',
    rule: 'canary-steps-order',
    severity: 'error',
    fires: edit('steps: [5, 25, 50, 100]', 'steps: [5, 50, 25, 100]'),
    at: ['steps: [5, 50, 25, 100]', '25'],
    message: /canary steps must strictly increase: 25 follows 50/,
    quiet: edit('steps: [5, 25, 50, 100]', 'steps: [100]'),
  },
  {
    name: 'a repeated canary step',
    rule: 'canary-steps-order',
    severity: 'error',
    fires: edit('steps: [5, 25, 50, 100]', 'steps: [5, 5, 100]'),
    at: ['steps: [5, 5, 100]', '5, 100'],
    message: /5 follows 5/,
    quiet: edit('steps: [5, 25, 50, 100]', 'steps: [5, 6, 100]'),
  },
  {
    name: 'canary steps short of 100',
    rule: 'canary-steps-end',
    severity: 'error',
    fires: edit('steps: [5, 25, 50, 100]', 'steps: [5, 25, 50]'),
    at: ['steps: [5, 25, 50]', '50'],
    message: /canary steps must end at 100 \(the full rollout\), not 50/,
    quiet: edit('steps: [5, 25, 50, 100]', 'steps: [50, 100]'),
  },
  {
    name: 'marginal above pass',
    rule: 'canary-scores',
    severity: 'error',
    fires: edit('marginal_score: 75', 'marginal_score: 99'),
    at: ['marginal_score: 99', '99'],
    message: /marginal_score \(99\) is above pass_score \(95\)/,
    quiet: edit('marginal_score: 75', 'marginal_score: 95'),
  },
  {
    name: 'prometheus without an address',
    rule: 'canary-provider',
    severity: 'error',
    fires: drop('      address: http://127.0.0.1:9090'),
    at: ['provider: prometheus', 'prometheus'],
    message: /the prometheus provider needs analysis.address/,
    quiet: example,
  },
  {
    name: 'the command provider without a command',
    rule: 'canary-provider',
    severity: 'error',
    fires: edit('provider: prometheus', 'provider: command'),
    at: ['provider: command', 'command'],
    message: /the command provider needs analysis.command/,
    quiet: edit('provider: prometheus', 'provider: command\n      command: ./judge.sh {variant} {metric}'),
  },
];

describe.each(cases)('$rule: $name', ({ rule, severity, fires, at, message, quiet, now }) => {
  test('fires, pointing at the offending node, saying how to fix it', async () => {
    const found = await ofRule(rule, fires, now ? { now } : {});
    expect(found.length).toBeGreaterThanOrEqual(1);
    const [first] = found as [Finding];
    expect(first.severity).toBe(severity);
    expect(first.message).toMatch(message);
    const expected = position(fires, at[0], at[1]);
    expect({ line: first.location.line, column: first.location.column }).toEqual(expected);
    expect(first.location.file).toBe('mlops.yml');
  });

  test('stays quiet on the nearest valid config', async () => {
    expect(quiet).not.toBe(fires);
    expect(await ofRule(rule, quiet, now ? { now } : {})).toEqual([]);
  });
});

describe('problem, value and roles', () => {
  test('a blank business problem or incomplete value in a config built in code is reported', async () => {
    const loaded = load(example);
    loaded.config.charter.business_problem = '   ';
    delete (loaded.config.charter.value as { currency?: string }).currency;
    const found = await findingsOf(loaded);
    expect(found.map((f) => [f.rule, f.message])).toEqual([
      ['business-problem-missing', expect.stringMatching(/state the business problem/)],
      ['value-missing', expect.stringMatching(/charter.value.currency is missing: give an ISO 4217 code/)],
    ]);
    expect(found[0]?.location.line).toBe(position(example, 'business_problem: >').line);
  });

  test('a handle GitHub does not know is a warning where it is written', async () => {
    const asked: string[] = [];
    const found = await ofRule('handle-not-found', example, {
      resolveHandle: async (handle) => {
        asked.push(handle);
        return handle === '@jdoe' ? 'missing' : 'found';
      },
    });
    expect(found).toEqual([
      {
        rule: 'handle-not-found',
        severity: 'warning',
        message: expect.stringMatching(/^@jdoe is not a user or team GitHub knows/),
        location: { file: 'mlops.yml', ...position(example, 'product_owner: "@jdoe"', '"@jdoe"') },
      },
    ]);
    // Role handles and data owners, each asked once.
    expect(asked.sort()).toEqual([
      '@acme/data-eng',
      '@acme/data-science',
      '@acme/platform',
      '@acme/sales-leads',
      '@jdoe',
    ]);
  });

  test('unknown answers, failed lookups and malformed handles never become not-found warnings', async () => {
    const text = edit(
      '"@jdoe"',
      '"@acme/data-science"',
      edit('owner: "@acme/data-eng"', 'owner: "data eng"'),
    );
    const asked: string[] = [];
    const found = await findingsOf(text, {
      resolveHandle: async (handle) => {
        asked.push(handle);
        if (handle === '@acme/platform') throw new Error('network down');
        return 'unknown';
      },
    });
    expect(found.map((f) => f.rule)).toEqual(['handle-malformed']);
    // The team named twice is asked about once; the malformed owner is not asked about.
    expect(asked.filter((h) => h === '@acme/data-science')).toHaveLength(1);
    expect(asked).not.toContain('data eng');
  });
});

describe('estimates', () => {
  test('a quoted estimate still points at the identifier', async () => {
    const text = edit(
      'estimate: bad_payers_flagged_share * 1200000 * 0.6',
      'estimate: "bad_payers_flagged_share * debt_usd"',
    );
    const [finding] = await ofRule('estimate-unknown-metric', text);
    expect(finding?.location).toMatchObject(position(text, 'estimate:', 'debt_usd'));
  });

  test('a block estimate, where offsets cannot be trusted, points at the value', async () => {
    const text = edit(
      'estimate: bad_payers_flagged_share * 1200000 * 0.6',
      'estimate: >\n          bad_payers_flagged_share\n          * debt_usd',
    );
    const [finding] = await ofRule('estimate-unknown-metric', text);
    expect(finding?.location).toMatchObject(position(text, 'estimate: >', '>'));
  });

  test('each unknown id is its own finding', async () => {
    const text = edit('* 1200000 * 0.6', '* rate_a * rate_b');
    const found = await ofRule('estimate-unknown-metric', text);
    expect(found.map((f) => f.location.column)).toEqual([
      position(text, 'estimate:', 'rate_a').column,
      position(text, 'estimate:', 'rate_b').column,
    ]);
  });
});

describe('metric alignment', () => {
  test('a cycle is reported once, and a self-reference is a cycle, not a level error', async () => {
    const two = edit('from: [recall]', 'from: [recall, bad_debt_avoided_usd]');
    expect(await ofRule('derivation-cycle', two)).toHaveLength(1);
    const self = edit('from: [recall]', 'from: [recall, bad_payers_flagged_share]');
    const found = await findingsOf(self);
    expect(found.map((f) => f.rule)).toEqual(['derivation-cycle']);
    expect(found[0]?.message).toMatch(/bad_payers_flagged_share → bad_payers_flagged_share/);
  });
});

describe('serving requirements', () => {
  const goalFor = (goals: string) => withDeployGoals(goals);
  test.each([
    ['latency_p95_ms: 250', false],
    ['latency_p95_ms: "<= 250"', false],
    ['latency_p95_ms: "< 250"', false],
    ['latency_p95_ms: "== 200"', false],
    ['latency_p95_ms: "<= 251"', true],
    ['latency_p95_ms: ">= 100"', true],
    ['throughput_rps: 50', false],
    ['throughput_rps: ">= 60"', false],
    ['throughput_rps: "== 49"', true],
    ['throughput_rps: "<= 100"', true],
  ])('deploy-test goal %s against latency 250 ms and 50 rps: looser %s', async (goal, looser) => {
    expect(await ofRule('goal-looser-than-requirement', goalFor(goal))).toHaveLength(looser ? 1 : 0);
  });
});

describe('milestones', () => {
  test('overdue is judged against the injected clock', async () => {
    expect(await ofRule('milestone-overdue', example, { now: new Date('2027-01-15T23:59:00Z') })).toEqual([]);
    const late = await ofRule('milestone-overdue', example, { now: new Date('2027-01-16T00:00:00Z') });
    expect(late.map((f) => f.message)).toEqual([
      expect.stringContaining('"first nightly batch in production" was due on 2027-01-15'),
    ]);
  });
});

describe('manual gate', () => {
  const protectionFinding = async (
    protection: RuleContext['protection'],
  ): Promise<{ findings: Finding[]; skipped?: string }> => {
    const outcomes = await runRules({
      loaded: load(example),
      now: TODAY,
      ...(protection ? { protection } : {}),
    });
    const gate = outcomes.find((outcome) => outcome.family.id === 'manual-gate');
    return { findings: gate?.findings ?? [], ...(gate?.skipped ? { skipped: gate.skipped } : {}) };
  };
  const at = { file: 'mlops.yml', ...position(example, 'environment: production', 'production') };

  test('is skipped without a way to read protection rules, naming the local approval', async () => {
    expect(await protectionFinding(undefined)).toEqual({
      findings: [],
      skipped: expect.stringContaining('`mlops-flow approve production`'),
    });
    expect((await protectionFinding(async () => undefined)).skipped).toMatch(
      /cannot show environment protection/,
    );
  });

  test('warns when the environment does not exist or has no reviewers', async () => {
    const missing = await protectionFinding(async () => ({
      exists: false,
      requiredReviewers: [],
      waitTimerMinutes: 0,
    }));
    expect(missing.findings).toEqual([
      {
        rule: 'canary-environment-not-found',
        severity: 'warning',
        message: expect.stringMatching(/environment "production" does not exist/),
        location: at,
      },
    ]);
    const open = await protectionFinding(async () => ({
      exists: true,
      requiredReviewers: [],
      waitTimerMinutes: 0,
    }));
    expect(open.findings.map((f) => [f.rule, f.location])).toEqual([['canary-environment-unreviewed', at]]);
    const failing = await protectionFinding(async () => {
      throw new Error('HTTP 403');
    });
    expect(failing.findings.map((f) => [f.rule, f.message])).toEqual([
      ['canary-environment-unverified', expect.stringContaining('HTTP 403')],
    ]);
  });

  test('passes when reviewers are required, asking about the canary environment', async () => {
    const asked: string[] = [];
    const gated = await protectionFinding(async (environment) => {
      asked.push(environment);
      return { exists: true, requiredReviewers: ['@acme/sales-leads'], waitTimerMinutes: 0 };
    });
    expect(gated).toEqual({ findings: [] });
    expect(asked).toEqual(['production']);
  });

  test('is skipped when there is no canary', async () => {
    const text = dropBlock('  canary:');
    const outcomes = await runRules({ loaded: load(text), now: TODAY, protection: async () => undefined });
    expect(outcomes.find((o) => o.family.id === 'manual-gate')?.skipped).toBe('no canary is configured');
  });
});
