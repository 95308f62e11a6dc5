import { findingCollector, type RuleFamily } from '../finding.js';

/** A canary that can actually finish: increasing traffic steps to 100%, and a judge it can reach. */
export const canaryRollout: RuleFamily = {
  id: 'canary',
  title: 'Canary rollout',
  check({ loaded }) {
    const { findings, report } = findingCollector(loaded);
    const canary = loaded.config.flow?.canary;
    if (!canary) return findings;

    const steps = canary.steps ?? [];
    steps.forEach((step, index) => {
      const previous = steps[index - 1];
      if (previous !== undefined && step <= previous) {
        report(
          'canary-steps-order',
          'error',
          `canary steps must strictly increase: ${step} follows ${previous}; list the traffic percentages in rising order`,
          ['flow', 'canary', 'steps', index],
        );
      }
    });
    const last = steps[steps.length - 1];
    if (last !== undefined && last !== 100) {
      report(
        'canary-steps-end',
        'error',
        `canary steps must end at 100 (the full rollout), not ${last}: add 100 as the last step`,
        ['flow', 'canary', 'steps', steps.length - 1],
      );
    }

    const analysis = canary.analysis;
    if (
      analysis?.pass_score !== undefined &&
      analysis.marginal_score !== undefined &&
      analysis.marginal_score > analysis.pass_score
    ) {
      report(
        'canary-scores',
        'error',
        `marginal_score (${analysis.marginal_score}) is above pass_score (${analysis.pass_score}): a score between them could not be both; make pass_score >= marginal_score`,
        ['flow', 'canary', 'analysis', 'marginal_score'],
      );
    }
    if ((analysis?.provider === 'prometheus' || analysis?.provider === 'http') && !analysis.address) {
      report(
        'canary-provider',
        'error',
        `the ${analysis.provider} provider needs analysis.address (e.g. http://127.0.0.1:9090) to read the canary's metrics from`,
        ['flow', 'canary', 'analysis', 'provider'],
      );
    }
    if (analysis?.provider === 'command' && analysis.command === undefined) {
      report(
        'canary-provider',
        'error',
        'the command provider needs analysis.command, which prints the metric value for {variant} and {metric}',
        ['flow', 'canary', 'analysis', 'provider'],
      );
    }
    return findings;
  },
};
