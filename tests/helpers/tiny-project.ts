import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfigText } from '../../src/config/load.js';
import { runStage } from '../../src/flow/run-stage.js';
import { createLocalPlatform } from '../../src/platform/local/index.js';
import type { StageDefinition } from '../../src/stages/stage.js';
import { tempProject } from './cli.js';
import { commitAll, initRepository, writeFiles } from './git.js';

/** A training script: a threshold model on one feature, written as JSON. */
export const TINY_TRAIN = `import { mkdirSync, writeFileSync } from 'node:fs';
mkdirSync('model', { recursive: true });
writeFileSync('model/model.json', JSON.stringify({ threshold: 50 }));
writeFileSync('model/metrics.json', JSON.stringify({ precision: 0.9, recall: 0.7 }));
`;

/**
 * A batch predict script: CSV in, CSV out. BEHAVIOUR selects a fault: nan, random, hang,
 * crash, short (drops a row), gender (uses the sensitive attribute).
 */
export const TINY_PREDICT = `import { readFileSync, writeFileSync } from 'node:fs';
const args = process.argv.slice(2);
const get = (flag) => args[args.indexOf(flag) + 1];
const { threshold } = JSON.parse(readFileSync(get('--model') + '/model.json', 'utf8'));
const [header, ...rows] = readFileSync(get('--input'), 'utf8').trim().split('\\n').map((l) => l.split(','));
const behaviour = process.env.BEHAVIOUR ?? '';
if (behaviour === 'hang') setInterval(() => {}, 1000);
else {
  if (behaviour === 'crash') { console.error('model file is corrupt'); process.exit(3); }
  const income = header.indexOf('income');
  const gender = header.indexOf('gender');
  let out = rows.map((r, i) => {
    let score = Math.min(1, Number(r[income]) / 100);
    if (behaviour === 'random') score = Math.random();
    if (behaviour === 'gender' && r[gender] === 'F') score = score / 2;
    const prediction = score >= threshold / 100 ? 1 : 0;
    return [r[0], prediction, behaviour === 'nan' && i === 3 ? 'NaN' : score.toFixed(4)].join(',');
  });
  if (behaviour === 'short') out = out.slice(1);
  writeFileSync(get('--output'), ['id,prediction,score', ...out].join('\\n') + '\\n');
}
`;

export const TINY_SAMPLE =
  'id,income,gender\n' +
  Array.from({ length: 40 }, (_, i) => `${i + 1},${(i * 37) % 100},${i % 2 === 0 ? 'F' : 'M'}`).join('\n') +
  '\n';

export const TINY_CONFIG = `version: 1
charter:
  name: tiny
  business_problem: Late payers cost money.
  data:
    sensitive_attributes: [gender]
flow:
  enforce: strict
  triggers:
    code: ["*.mjs"]
  build:
    command: node train.mjs
    model: model/
    metrics: model/metrics.json
  sanity:
    predict: node predict.mjs --model {model} --input {input} --output {output}
    sample: data/sample.csv
    timeout: 2s
  fairness:
    attributes: [gender]
    prediction: prediction
    score: score
`;

export async function tinyProject(config = TINY_CONFIG) {
  const directory = tempProject();
  initRepository(directory);
  writeFiles(directory, {
    'train.mjs': TINY_TRAIN,
    'predict.mjs': TINY_PREDICT,
    'data/sample.csv': TINY_SAMPLE,
    'mlops.yml': config,
    '.gitignore': 'model/\n.mlops-flow/\n',
  });
  commitAll(directory, 'initial');
  return directory;
}

/**
 * Records a passing validate-charter for the project's commit and config, as if the charter
 * stage had run: stage tests start the flow from build-model.
 */
export async function recordCharterPassed(directory: string) {
  const { loaded, platform } = await openProject(directory);
  await platform.ledger.write({
    stage: 'validate-charter',
    verdict: 'pass',
    commit: platform.context.commit,
    charterDigest: loaded.digest,
    runId: 'test',
    time: new Date().toISOString(),
    summary: 'recorded by the test',
  });
}

/** A project's config and its local platform, with the platform's output kept for assertions. */
export async function openProject(directory: string) {
  const loaded = loadConfigText('mlops.yml', readFileSync(path.join(directory, 'mlops.yml')), {
    workspace: directory,
    path: path.join(directory, 'mlops.yml'),
  });
  let log = '';
  const platform = await createLocalPlatform({
    workspace: directory,
    projectRoot: directory,
    stderr: { write: (text: string) => (log += text) },
  });
  return { loaded, platform, log: () => log };
}

/** Runs a stage through the real runner and the local platform, as the CLI does. */
export async function runInProject<S>(
  directory: string,
  definition: StageDefinition<S>,
  settings: S,
  env: Record<string, string> = {},
) {
  const { loaded, platform, log } = await openProject(directory);
  platform.context.commandEnvironment = { ...platform.context.commandEnvironment, ...env };
  const result = await runStage({ definition, loaded, settings, platform });
  return { result, platform, log };
}
