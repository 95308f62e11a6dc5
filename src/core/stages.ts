/** The seven stages of the flow, in the order the flow runs them; monitor closes the loop from production. */
export const STAGES = [
  'validate-charter',
  'build-model',
  'sanity-check',
  'fairness-report',
  'deploy-test',
  'canary-promote',
  'monitor',
] as const;

export type StageName = (typeof STAGES)[number];

export function isStageName(value: string): value is StageName {
  return (STAGES as readonly string[]).includes(value);
}

/**
 * What each stage needs to have passed before it may run on the same commit (and, from
 * build-model on, the same model digest). sanity-check and fairness-report run side by side.
 */
export const PREREQUISITES: Record<StageName, readonly StageName[]> = {
  'validate-charter': [],
  'build-model': ['validate-charter'],
  'sanity-check': ['build-model'],
  'fairness-report': ['build-model'],
  'deploy-test': ['sanity-check', 'fairness-report'],
  'canary-promote': ['sanity-check', 'fairness-report', 'deploy-test'],
  // The production model may come from any earlier commit: the monitor watches, it needs no record.
  monitor: [],
};

export const STAGE_TITLES: Record<StageName, string> = {
  'validate-charter': 'Charter',
  'build-model': 'Build',
  'sanity-check': 'Sanity',
  'fairness-report': 'Fairness',
  'deploy-test': 'Deploy to test',
  'canary-promote': 'Canary',
  monitor: 'Monitor',
};
