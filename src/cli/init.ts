/**
 * `mlops-flow init`: adopting mlops-flow in an existing repository. It asks (on a terminal) or
 * takes flags for the business problem, its value, the roles, the metrics and the commands, and
 * writes a commented `mlops.yml` that validate-charter accepts (what only the team can answer is
 * left as TODO, which validate-charter reports as warnings) and `.github/workflows/mlops.yml`
 * with each job's permissions, pinned actions and the environments of the manual gate. Typed
 * answers are untrusted: they go into YAML through the yaml package's document model, never
 * pasted into text, and the workflow holds none of them.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { UserError } from '../flow/errors.js';
import type { CliIo } from './main.js';

export const INIT_HELP = [
  'Usage: mlops-flow init [--yes] [--force] [answers…]',
  '',
  'Writes mlops.yml and .github/workflows/mlops.yml for this repository. On a terminal it asks',
  'for every answer not given as a flag; with --yes it takes the defaults (TODO where only you',
  'can answer: validate-charter reports each as a warning). Without a terminal, give --yes.',
  'It never overwrites a file unless --force.',
  '',
  'Answers:',
  '  --name NAME                 the project (default: the folder name)',
  '  --problem TEXT              the business problem the model is for',
  '  --value AMOUNT              what solving it is worth per period (default 0: TODO)',
  '  --currency CODE             default USD',
  '  --period year|quarter|month default year',
  '  --decision-maker @HANDLE    the business decision maker',
  '  --product-owner @HANDLE     the product owner',
  '  --ml-engineers @A,@B        who builds the model',
  '  --metric ID:GOAL            a model metric and its goal, e.g. precision:">= 0.8" (repeatable)',
  '  --train COMMAND             the training command (default: python train.py)',
  '  --model DIR                 where training writes the model (default: model/)',
  '  --predict COMMAND           batch predict with {model} {input} {output}',
  '',
].join('\n');

interface Answers {
  name: string;
  problem: string;
  value: number;
  currency: string;
  period: string;
  decisionMaker: string;
  productOwner: string;
  mlEngineers: string[];
  metrics: { id: string; goal: string }[];
  train: string;
  model: string;
  predict: string;
}

const TODO = 'TODO';

function defaults(directory: string): Answers {
  return {
    name:
      path
        .basename(directory)
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, '-')
        .replace(/^-+|-+$/g, '') || 'model',
    problem: `${TODO}: the business problem this model is for, and who feels it`,
    // A placeholder the charter accepts; its TODO assumption is a warning until it is replaced.
    value: 0,
    currency: 'USD',
    period: 'year',
    decisionMaker: `@${TODO}-decision-maker`,
    productOwner: `@${TODO}-product-owner`,
    mlEngineers: [`@${TODO}-ml-engineers`],
    metrics: [{ id: 'precision', goal: '>= 0.8' }],
    train: 'python train.py --out model/',
    model: 'model/',
    predict: 'python predict.py --model {model} --input {input} --output {output}',
  };
}

function parseMetric(text: string): { id: string; goal: string } {
  const match = /^([a-z][a-z0-9_]*):(.+)$/.exec(text.trim());
  if (!match) throw new UserError(`--metric "${text}" is not ID:GOAL, e.g. precision:">= 0.8"`);
  return { id: match[1] as string, goal: (match[2] as string).trim() };
}

function handle(text: string): string {
  return text.startsWith('@') || text.startsWith(TODO) ? text : `@${text}`;
}

/** A node with a comment above it, so the file explains itself to the next reader. */
function commented<T extends Node | Pair>(node: T, comment: string): T {
  (node as { commentBefore?: string }).commentBefore = ` ${comment.split('\n').join('\n ')}`;
  return node;
}

function setComment(map: YAMLMap, key: string, comment: string): void {
  const pair = map.items.find((item) => (item.key as { value?: unknown })?.value === key);
  if (pair) commented(pair.key as Node, comment);
}

export function charterDocument(answers: Answers): Document {
  const document = new Document({
    version: 1,
    charter: {
      name: answers.name,
      business_problem: answers.problem,
      roles: {
        decision_maker: answers.decisionMaker,
        product_owner: answers.productOwner,
        ml_engineers: answers.mlEngineers,
      },
      value: {
        amount: answers.value > 0 ? answers.value : 1,
        currency: answers.currency,
        period: answers.period,
        assumptions:
          answers.value > 0
            ? `${TODO}: how solving the problem turns into this amount`
            : `${TODO}: replace the placeholder amount 1 with what solving the problem is worth, and how`,
      },
      justification: {
        why_ml: `${TODO}: why machine learning rather than a rule or a process change`,
        alternatives: [`${TODO}: the alternatives weighed`],
        problem_statement: `${TODO}: e.g. binary classification, customer -> churns within 30 days`,
        // Claims the team must stand behind: the comment above them says so.
        data_known: true,
        data_quality_reviewed: true,
      },
      data: {
        sources: [{ name: `${TODO}-source`, origin: 'primary', priority: 'must-have' }],
      },
      metrics: {
        model: answers.metrics,
        domain: [
          {
            id: 'domain_goal',
            goal: '>= 0.5',
            from: [answers.metrics[0]?.id ?? 'precision'],
            description: `${TODO}: the subject-matter expert's measure this model metric stands for`,
          },
        ],
        business: [
          {
            id: 'business_value',
            goal: `>= ${answers.value > 0 ? answers.value : 1}`,
            from: ['domain_goal'],
            description: `${TODO}: the business KPI, in money or time`,
          },
        ],
      },
    },
    flow: {
      enforce: 'strict',
      triggers: { code: ['**/*.py'], data: ['data/**'], config: ['mlops.yml'] },
      build: { command: answers.train, model: answers.model, timeout: '30m' },
      sanity: { predict: answers.predict, sample: `${TODO}-data/sample.csv`, timeout: '5m' },
    },
  });
  document.commentBefore =
    ' The ML flow of this repository, enforced by mlops-flow (written by `mlops-flow init`).\n' +
    ' Every TODO is for you to answer: validate-charter reports each one as a warning.\n' +
    ' yaml-language-server: $schema=https://raw.githubusercontent.com/mlops-flow/mlops-flow/main/schema/mlops.schema.json';
  const charter = document.get('charter', true) as YAMLMap;
  setComment(
    charter,
    'business_problem',
    "Why this project exists: the problem, in the business owner's words.",
  );
  setComment(
    charter,
    'roles',
    'Who decides, who owns the product and the data, who builds (GitHub handles).',
  );
  setComment(
    charter,
    'value',
    'What solving the problem is worth; the business metric below is judged against it.',
  );
  setComment(
    charter,
    'metrics',
    'Three levels, aligned: each domain and business metric names the ones it comes from.',
  );
  const flow = document.get('flow', true) as YAMLMap;
  setComment(
    flow,
    'build',
    'build-model runs this without a shell; the model directory is digested and stored.',
  );
  setComment(
    flow,
    'sanity',
    'sanity-check runs the predict command on a sample: {model} {input} {output} are arguments.',
  );
  return document;
}

/** The workflow: no typed answer goes into it, so nothing anyone types can reach a runner. */
export const WORKFLOW = `# The ML flow of this repository, enforced by mlops-flow (written by \`mlops-flow init\`):
#   charter → build → (sanity ∥ fairness) → deploy to staging → canary in production.
# Give the \`production\` environment required reviewers: that approval is canary-promote's gate.
name: mlops

on:
  pull_request:
  push:
    branches: [main]
  workflow_dispatch:
    inputs:
      production-metrics:
        description: Production metrics that missed their goals (set by the monitor's rebuild)
        required: false
        default: ''

permissions:
  contents: read

jobs:
  charter:
    runs-on: ubuntu-latest
    concurrency: { group: 'mlops-charter-\${{ github.ref }}', cancel-in-progress: true }
    permissions: { contents: read, actions: read, pull-requests: write, checks: write }
    steps:
      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0
        with: { persist-credentials: false }
      - uses: mlops-flow/mlops-flow/actions/validate-charter@v1

  build:
    needs: charter
    runs-on: ubuntu-latest
    concurrency: { group: 'mlops-build-\${{ github.ref }}', cancel-in-progress: false }
    permissions: { contents: read, actions: read, pull-requests: write, checks: write }
    outputs:
      model-digest: \${{ steps.build.outputs.model-digest }}
    steps:
      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0
        with: { fetch-depth: 0, persist-credentials: false }
      - uses: mlops-flow/mlops-flow/actions/build-model@v1
        id: build
        with:
          production-metrics: \${{ inputs.production-metrics }}

  sanity:
    needs: build
    runs-on: ubuntu-latest
    permissions: { contents: read, actions: read, pull-requests: write, checks: write }
    steps:
      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0
        with: { persist-credentials: false }
      - uses: mlops-flow/mlops-flow/actions/sanity-check@v1
        with:
          model-digest: \${{ needs.build.outputs.model-digest }}

  fairness:
    needs: build
    runs-on: ubuntu-latest
    permissions: { contents: read, actions: read, pull-requests: write, checks: write }
    steps:
      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0
        with: { persist-credentials: false }
      - uses: mlops-flow/mlops-flow/actions/fairness-report@v1

  deploy-test:
    needs: [build, sanity, fairness]
    runs-on: ubuntu-latest
    environment: staging
    concurrency: { group: mlops-staging, cancel-in-progress: false }
    permissions: { contents: read, actions: read, deployments: write, pull-requests: write, checks: write }
    steps:
      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0
        with: { persist-credentials: false }
      - uses: mlops-flow/mlops-flow/actions/deploy-test@v1
        with:
          model-digest: \${{ needs.build.outputs.model-digest }}

  canary:
    needs: [build, deploy-test]
    if: github.event_name == 'push'
    runs-on: ubuntu-latest
    environment: production # required reviewers here are the manual gate
    concurrency: { group: mlops-production, cancel-in-progress: false }
    permissions: { contents: read, actions: read, deployments: write, pull-requests: write, checks: write }
    steps:
      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0
        with: { persist-credentials: false }
      - uses: mlops-flow/mlops-flow/actions/canary-promote@v1
        with:
          model-digest: \${{ needs.build.outputs.model-digest }}
`;

const SETTINGS = [
  'Next, in the repository settings on GitHub:',
  '  1. Environments: create `staging`, and `production` with required reviewers (the product owner,',
  '     the decision maker): their approval is the manual gate before the canary. Private',
  '     repositories need a plan with required reviewers.',
  '  2. Branch protection on main: require the checks mlops-flow/validate-charter,',
  '     mlops-flow/build-model, mlops-flow/sanity-check and mlops-flow/fairness-report.',
  '  3. Pin mlops-flow/mlops-flow by commit SHA instead of @v1 if your policy asks for it.',
  '  4. Answer every TODO in mlops.yml, then run `npx mlops-flow validate-charter`.',
  '',
].join('\n');

async function ask(io: CliIo, answers: Answers, given: Set<string>): Promise<Answers> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const question = async (flag: string, text: string, current: string) => {
      if (given.has(flag)) return current;
      const typed = (await prompt.question(`${text} [${current}]: `)).trim();
      return typed === '' ? current : typed;
    };
    const result = { ...answers };
    result.name = await question('name', 'Project name', result.name);
    result.problem = await question('problem', 'The business problem', result.problem);
    result.value =
      Number(await question('value', 'What solving it is worth per period', String(result.value))) || 0;
    result.decisionMaker = handle(
      await question('decision-maker', 'Business decision maker (@handle)', result.decisionMaker),
    );
    result.productOwner = handle(
      await question('product-owner', 'Product owner (@handle)', result.productOwner),
    );
    result.mlEngineers = (
      await question('ml-engineers', 'ML engineers (@a,@b)', result.mlEngineers.join(','))
    )
      .split(',')
      .map((item) => handle(item.trim()))
      .filter(Boolean);
    result.train = await question('train', 'Training command', result.train);
    result.predict = await question(
      'predict',
      'Batch predict command ({model} {input} {output})',
      result.predict,
    );
    io.stderr.write('\n');
    return result;
  } finally {
    prompt.close();
  }
}

export async function init(
  argv: string[],
  io: CliIo,
  options: { interactive?: boolean } = {},
): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(INIT_HELP);
    return 0;
  }
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        yes: { type: 'boolean' },
        force: { type: 'boolean' },
        name: { type: 'string' },
        problem: { type: 'string' },
        value: { type: 'string' },
        currency: { type: 'string' },
        period: { type: 'string' },
        'decision-maker': { type: 'string' },
        'product-owner': { type: 'string' },
        'ml-engineers': { type: 'string' },
        metric: { type: 'string', multiple: true },
        train: { type: 'string' },
        model: { type: 'string' },
        predict: { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new UserError((error as Error).message, 'run `mlops-flow init --help`');
  }
  const interactive = options.interactive ?? (process.stdin.isTTY === true && process.stderr.isTTY === true);
  if (!values.yes && !interactive) {
    throw new UserError(
      'init needs its answers: there is no terminal to ask on, so give them as flags and add --yes for the rest',
      'run `mlops-flow init --help` for the flags',
    );
  }
  const directory = io.cwd;
  const targets = [
    path.join(directory, 'mlops.yml'),
    path.join(directory, '.github', 'workflows', 'mlops.yml'),
  ];
  const existing = targets.filter((target) => existsSync(target));
  if (existing.length > 0 && !values.force) {
    throw new UserError(
      `${existing.map((target) => path.relative(directory, target)).join(' and ')} already exist${existing.length === 1 ? 's' : ''}: nothing was written`,
      'add --force to overwrite',
    );
  }
  let answers = defaults(directory);
  if (values.name !== undefined) answers.name = values.name;
  if (values.problem !== undefined) answers.problem = values.problem;
  if (values.value !== undefined) {
    const value = Number(values.value);
    if (!Number.isFinite(value) || value < 0)
      throw new UserError(`--value "${values.value}" is not an amount`);
    answers.value = value;
  }
  if (values.currency !== undefined) answers.currency = values.currency;
  if (values.period !== undefined) answers.period = values.period;
  if (values['decision-maker'] !== undefined) answers.decisionMaker = handle(values['decision-maker']);
  if (values['product-owner'] !== undefined) answers.productOwner = handle(values['product-owner']);
  if (values['ml-engineers'] !== undefined) {
    answers.mlEngineers = values['ml-engineers']
      .split(',')
      .map((item) => handle(item.trim()))
      .filter(Boolean);
  }
  if (values.metric !== undefined) answers.metrics = values.metric.map(parseMetric);
  if (values.train !== undefined) answers.train = values.train;
  if (values.model !== undefined) answers.model = values.model;
  if (values.predict !== undefined) answers.predict = values.predict;
  if (!values.yes) {
    const given = new Set(Object.keys(values));
    answers = await ask(io, answers, given);
  }
  const charter = charterDocument(answers).toString({ lineWidth: 100 });
  await mkdir(path.dirname(targets[1] as string), { recursive: true });
  await writeFile(targets[0] as string, charter);
  await writeFile(targets[1] as string, WORKFLOW);
  io.stdout.write(`wrote mlops.yml and .github/workflows/mlops.yml\n\n${SETTINGS}`);
  return 0;
}
