import type { CommandText } from '../../config/types.js';
import { placeholdersIn } from '../../exec/words.js';
import { finder, type Finding, type RuleFamily } from '../finding.js';

/** The placeholders each command may use: anything else would be left unreplaced at run time. */
const PLACEHOLDERS: { path: string[]; allowed: string[] }[] = [
  { path: ['build', 'command'], allowed: ['model'] },
  { path: ['sanity', 'predict'], allowed: ['model', 'input', 'output'] },
  { path: ['deploy_test', 'deploy'], allowed: ['model', 'environment', 'endpoint'] },
  { path: ['deploy_test', 'teardown'], allowed: ['model', 'environment', 'endpoint'] },
  { path: ['canary', 'traffic'], allowed: ['weight', 'variant', 'model'] },
  { path: ['canary', 'promote'], allowed: ['model', 'environment'] },
  { path: ['canary', 'rollback'], allowed: ['model', 'environment'] },
  { path: ['canary', 'analysis', 'command'], allowed: ['variant', 'metric'] },
];

function at(object: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], object);
}

/** The flow section hangs together: known placeholders, sane canary steps, named environments. */
export const flowRules: RuleFamily = {
  id: 'flow',
  title: 'Flow',
  check({ loaded }) {
    const findings: Finding[] = [];
    const report = finder(loaded, findings);
    const flow = loaded.config.flow ?? {};
    for (const { path, allowed } of PLACEHOLDERS) {
      const command = at(flow, path) as CommandText | undefined;
      if (command === undefined) continue;
      for (const name of placeholdersIn(command).filter((p) => !allowed.includes(p))) {
        report(
          'unknown-placeholder',
          'error',
          `{${name}} is not a placeholder flow.${path.join('.')} can use; it may use ${allowed.map((a) => `{${a}}`).join(', ')}`,
          ['flow', ...path],
        );
      }
    }
    for (const [index, metric] of (flow.canary?.analysis?.metrics ?? []).entries()) {
      for (const name of placeholdersIn(metric.query ?? '').filter((p) => p !== 'variant')) {
        report(
          'unknown-placeholder',
          'error',
          `{${name}} is not a placeholder a canary query can use; it may use {variant}`,
          ['flow', 'canary', 'analysis', 'metrics', index, 'query'],
        );
      }
    }
    if (
      flow.sanity &&
      (!flow.sanity.predict || !flow.sanity.sample) &&
      (flow.sanity.predict || flow.sanity.sample)
    ) {
      report(
        'sanity-incomplete',
        'error',
        'flow.sanity needs both predict (the batch predict command) and sample (a CSV to predict on)',
        ['flow', 'sanity'],
        'key',
      );
    }
    if (flow.fairness) {
      if (!flow.fairness.label)
        report(
          'fairness-label',
          'error',
          'flow.fairness.label is missing: name the column that holds the true label',
          ['flow', 'fairness'],
          'key',
        );
      if (!flow.fairness.prediction && !(flow.fairness.score && flow.fairness.threshold !== undefined)) {
        report(
          'fairness-prediction',
          'error',
          'flow.fairness needs prediction (a column of 0/1 predictions) or score with threshold',
          ['flow', 'fairness'],
          'key',
        );
      }
      if (!flow.fairness.predictions && !flow.build?.predictions) {
        report(
          'fairness-predictions-file',
          'error',
          'fairness-report has no predictions to read: set flow.build.predictions (the eval predictions) or flow.fairness.predictions',
          ['flow', 'fairness'],
          'key',
        );
      }
    }
    if (flow.deploy_test && !flow.deploy_test.environment) {
      report(
        'environment-missing',
        'error',
        'flow.deploy_test.environment is missing: name the GitHub environment (e.g. staging) deployments are recorded in',
        ['flow', 'deploy_test'],
        'key',
      );
    }
    if (flow.canary) {
      if (!flow.canary.environment) {
        report(
          'environment-missing',
          'error',
          'flow.canary.environment is missing: name the GitHub environment with required reviewers (e.g. production), or no manual approval can exist',
          ['flow', 'canary'],
          'key',
        );
      }
      const steps = flow.canary.steps ?? [];
      steps.forEach((step, index) => {
        if (index > 0 && step <= (steps[index - 1] as number)) {
          report(
            'canary-steps-order',
            'error',
            `canary steps must strictly increase: ${step} follows ${steps[index - 1]}`,
            ['flow', 'canary', 'steps', index],
          );
        }
      });
      if (steps.length > 0 && steps[steps.length - 1] !== 100) {
        report(
          'canary-steps-end',
          'error',
          `canary steps must end at 100 (full rollout), not ${steps[steps.length - 1]}`,
          ['flow', 'canary', 'steps', steps.length - 1],
        );
      }
      const analysis = flow.canary.analysis;
      if (
        analysis?.pass_score !== undefined &&
        analysis.marginal_score !== undefined &&
        analysis.marginal_score > analysis.pass_score
      ) {
        report(
          'canary-scores',
          'error',
          `marginal_score (${analysis.marginal_score}) must not exceed pass_score (${analysis.pass_score})`,
          ['flow', 'canary', 'analysis', 'marginal_score'],
        );
      }
      if (analysis?.provider === 'prometheus' && !analysis.address) {
        report(
          'canary-provider',
          'error',
          'the prometheus provider needs analysis.address (e.g. http://127.0.0.1:9090)',
          ['flow', 'canary', 'analysis', 'provider'],
        );
      }
    }
    return findings;
  },
};
