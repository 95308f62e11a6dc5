import { findingCollector, type RuleFamily } from '../finding.js';

/**
 * canary-promote waits for a person only if the canary's environment has required reviewers;
 * that lives in the repository settings, not in mlops.yml, so only the platform can say. A
 * missing gate is a warning: the flow still works, but nobody signs off before production.
 */
export const manualGate: RuleFamily = {
  id: 'manual-gate',
  title: 'Manual approval before production',
  async check({ loaded, protection }) {
    const environment = loaded.config.flow?.canary?.environment;
    if (!loaded.config.flow?.canary) return { skipped: 'no canary is configured' };
    if (!environment) return { skipped: 'flow.canary.environment is not named' };
    const where = `\`mlops-flow approve ${environment}\` records the approval`;
    if (!protection) return { skipped: `environment protection is visible only on GitHub; here ${where}` };

    const { findings, report } = findingCollector(loaded);
    const path = ['flow', 'canary', 'environment'];
    let rules;
    try {
      rules = await protection(environment);
    } catch (error) {
      report(
        'canary-environment-unverified',
        'warning',
        `could not read the protection rules of environment "${environment}" (${(error as Error).message}): check that the token may read the repository's environments`,
        path,
      );
      return findings;
    }
    if (!rules) return { skipped: `this platform cannot show environment protection; ${where}` };
    if (!rules.exists) {
      report(
        'canary-environment-not-found',
        'warning',
        `environment "${environment}" does not exist in this repository: create it under Settings → Environments with required reviewers, or canary-promote has no manual gate`,
        path,
      );
    } else if (rules.requiredReviewers.length === 0) {
      report(
        'canary-environment-unreviewed',
        'warning',
        `environment "${environment}" has no required reviewers: add them under Settings → Environments, or nobody approves before production`,
        path,
      );
    }
    return findings;
  },
};
