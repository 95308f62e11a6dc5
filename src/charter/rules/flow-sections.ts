import { DURATION_PATHS, loadRateProblem, readDuration } from '../../config/ranges.js';
import { httpUrlProblem } from '../../config/urls.js';
import { findingCollector, type RuleFamily } from '../finding.js';
import { controlCharacterFindings } from './text.js';

/**
 * The flow's sections must carry what their stages need before any of them runs: named
 * environments (deployments and approvals are recorded against them), the columns fairness is
 * computed from, and a complete sanity setup.
 */
export const flowSections: RuleFamily = {
  id: 'flow',
  title: 'Flow configuration',
  check({ loaded }) {
    const { findings, report } = findingCollector(loaded);
    const flow = loaded.config.flow ?? {};

    if (flow.deploy_test && !flow.deploy_test.environment) {
      report(
        'environment-missing',
        'error',
        'flow.deploy_test.environment is missing: name the GitHub environment (e.g. staging) test deployments are recorded in',
        ['flow', 'deploy_test'],
        'key',
      );
    }
    if (flow.canary && !flow.canary.environment) {
      report(
        'environment-missing',
        'error',
        'flow.canary.environment is missing: name the GitHub environment with required reviewers (e.g. production), or no manual approval can exist before production',
        ['flow', 'canary'],
        'key',
      );
    }

    const deployTest = flow.deploy_test;
    if (deployTest) {
      if (!deployTest.endpoint) {
        report(
          'deploy-test-incomplete',
          'error',
          'flow.deploy_test.endpoint is missing: name the URL of the test deployment (e.g. http://127.0.0.1:8080/predict)',
          ['flow', 'deploy_test'],
          'key',
        );
      } else {
        const problem = httpUrlProblem(deployTest.endpoint, 'flow.deploy_test.endpoint');
        if (problem) report('url-scheme', 'error', problem, ['flow', 'deploy_test', 'endpoint']);
      }
      if (deployTest.deploy === undefined) {
        report(
          'deploy-test-incomplete',
          'error',
          'flow.deploy_test.deploy is missing: name the command that deploys the model to the test environment',
          ['flow', 'deploy_test'],
          'key',
        );
      }
    }
    const address = flow.canary?.analysis?.address;
    if (address !== undefined) {
      const problem = httpUrlProblem(address, 'flow.canary.analysis.address');
      if (problem) report('url-scheme', 'error', problem, ['flow', 'canary', 'analysis', 'address']);
    }

    for (const path of DURATION_PATHS) {
      const value = path.reduce<unknown>(
        (at, key) => (at as Record<string, unknown> | undefined)?.[key],
        flow,
      );
      if (typeof value !== 'string') continue;
      const read = readDuration(value, `flow.${path.join('.')}`);
      if ('problem' in read) report('duration-range', 'error', read.problem, ['flow', ...path]);
    }
    const rate = flow.deploy_test?.load?.rate;
    if (typeof rate === 'number') {
      const problem = loadRateProblem(rate, 'flow.deploy_test.load.rate');
      if (problem) report('rate-range', 'error', problem, ['flow', 'deploy_test', 'load', 'rate']);
    }

    // Raw control characters anywhere (a text is reported with the flow, the family that checks every key)
    findings.push(...controlCharacterFindings(loaded));

    const fairness = flow.fairness;
    if (fairness) {
      if (!fairness.label) {
        report(
          'fairness-label',
          'error',
          'flow.fairness.label is missing: name the column of the predictions file that holds the true label',
          ['flow', 'fairness'],
          'key',
        );
      }
      if (!fairness.prediction && !fairness.score) {
        report(
          'fairness-prediction',
          'error',
          'flow.fairness needs prediction (the column of predicted classes) or score (the column of scores, with threshold)',
          ['flow', 'fairness'],
          'key',
        );
      } else if (!fairness.prediction && fairness.threshold === undefined) {
        report(
          'fairness-threshold',
          'warning',
          'flow.fairness has a score column but no prediction and no threshold: set threshold, the score at or above which a row counts as positive',
          ['flow', 'fairness', 'score'],
        );
      }
      if (!fairness.predictions && !flow.build?.predictions) {
        report(
          'fairness-predictions-file',
          'error',
          'fairness-report has no predictions to read: set flow.build.predictions (the eval-set predictions the build writes) or flow.fairness.predictions',
          ['flow', 'fairness'],
          'key',
        );
      }
    }

    const sanity = flow.sanity;
    if (sanity && (sanity.predict === undefined) !== (sanity.sample === undefined)) {
      report(
        'sanity-incomplete',
        'error',
        `flow.sanity has ${sanity.predict === undefined ? 'a sample but no predict command' : 'a predict command but no sample'}: smoke tests need both (the batch predict command and a CSV to predict on)`,
        ['flow', 'sanity'],
        'key',
      );
    }
    return findings;
  },
};
