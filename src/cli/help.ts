import { STAGES, type StageName } from '../core/stages.js';
import { ACTIONS } from '../entry/action-inputs.generated.js';

const STAGE_SUMMARIES: Record<StageName, string> = {
  'validate-charter': 'validate mlops.yml and render the charter and metric-alignment tree',
  'build-model': 'decide whether to build, train, digest and store the model',
  'sanity-check': 'smoke-test the model, check metric goals and regression against the base model',
  'fairness-report': 'group metrics, Fairlearn disparities, explainability and a model card',
  'deploy-test': 'deploy to a test environment, replay labelled data, load-test',
  'canary-promote': 'shift traffic in steps, judge the canary, promote or roll back',
  monitor: 'judge production against the charter, detect drift, open issues, start a rebuild',
};

export function mainHelp(): string {
  const width = Math.max(...STAGES.map((s) => s.length), 'approve <environment>'.length) + 2;
  const line = (name: string, text: string) => `  ${name.padEnd(width)}${text}`;
  return [
    'mlops-flow — enforce the ML CI/CD flow documented in mlops.yml',
    '',
    'Usage: mlops-flow <command> [options]',
    '',
    'Commands:',
    ...STAGES.map((stage) => line(stage, STAGE_SUMMARIES[stage])),
    line('run', 'every configured stage in flow order, stopping at the first failed gate'),
    line('approve <environment>', "record a local approval of an environment's manual gate"),
    line('init', 'write mlops.yml and the workflow for this repository (asks, or --yes)'),
    '',
    'Common options:',
    line('--config PATH', 'path to mlops.yml (default: mlops.yml, then .github/mlops.yml)'),
    line('--json', 'print the result as JSON on stdout; progress goes to stderr'),
    line('--verbose', 'more progress detail'),
    line('-h, --help', 'help for a command: mlops-flow <command> --help'),
    line('--version', 'print the version'),
    '',
    'Exit codes: 0 pass or warn, 1 a failed gate, 2 bad input or usage, 3 internal error.',
    '',
  ].join('\n');
}

const ACTION_ONLY = new Set(['github-token', 'stage']);

export function helpFor(command: StageName | 'run' | 'approve'): string {
  if (command === 'approve') {
    return [
      'Usage: mlops-flow approve <environment> [--comment TEXT] [--reject] [--config PATH]',
      '',
      "Records your approval (or, with --reject, your rejection) of an environment's manual gate in",
      '.mlops-flow/approvals.jsonl under your git user.name, as a required reviewer does on GitHub.',
      'canary-promote requires an approval of its environment given after the deploy-test results;',
      'a later rejection wins. The environment must be one mlops.yml names.',
      '',
    ].join('\n');
  }
  if (command === 'run') {
    return [
      'Usage: mlops-flow run [--config PATH] [--json] [--verbose]',
      '',
      'Runs every stage mlops.yml configures, in flow order (validate-charter, build-model,',
      'sanity-check, fairness-report, deploy-test, canary-promote), and stops at the first failed gate.',
      'With --json, prints the list of stage results.',
      '',
    ].join('\n');
  }
  const inputs = (ACTIONS[command]?.inputs ?? []).filter((input) => !ACTION_ONLY.has(input.name));
  const width = Math.max(...inputs.map((input) => input.name.length + 8), 10);
  const extra =
    command === 'monitor'
      ? [
          '',
          'Standalone, on any two files (no mlops.yml needed):',
          '  mlops-flow monitor --reference FILE --current FILE [--label COL] [--score COL --threshold T]',
          '                     [--prediction COL] [--positive-label V] [--json]',
        ]
      : command === 'fairness-report'
        ? [
            '',
            'Standalone, on any predictions file (no mlops.yml needed):',
            '  mlops-flow fairness-report --predictions FILE --label COL (--prediction COL | --score COL --threshold T)',
            '                             --attribute COL [--attribute COL …] [--positive-label V] [--json]',
            '  mlops-flow fairness-report --predictions FILE --target COL --prediction COL   (a regression model)',
            '                             --attribute COL [--attribute COL …] [--loss absolute|squared] [--json]',
          ]
        : [];
  return [
    `Usage: mlops-flow ${command} [options]`,
    '',
    `${STAGE_SUMMARIES[command]}.`,
    '',
    'Options:',
    ...inputs.map((input) => {
      const fallback = input.default ? ` (default: ${input.default})` : '';
      return `  --${input.name.padEnd(width)}${input.description}${fallback}`;
    }),
    `  --${'json'.padEnd(width)}print the stage result as JSON on stdout`,
    ...extra,
    '',
  ].join('\n');
}
