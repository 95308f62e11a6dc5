/**
 * The placeholders each command or query in mlops.yml may use: the values the stage running it
 * fills in. validate-charter's rule and the stages read these same lists, so a placeholder the
 * charter accepts is one the stage knows (an unknown one would stop the stage much later, after
 * a build, with the model half deployed).
 */

/** deploy-test's deploy and teardown commands: the model directory, the environment, the endpoint URL. */
export const DEPLOY_TEST_PLACEHOLDERS = ['model', 'environment', 'endpoint'] as const;
/** The values deploy-test fills in: every placeholder it allows, so the two cannot drift apart. */
export type DeployTestValues = Record<(typeof DEPLOY_TEST_PLACEHOLDERS)[number], string>;

/**
 * A canary metric's query (Prometheus, HTTP) and the metric command: the variant, the metric's
 * id and the step's window in Unix seconds (see canary/providers/http.ts).
 */
export const CANARY_ANALYSIS_PLACEHOLDERS = ['variant', 'metric', 'start', 'end'] as const;

/** canary-promote's deploy and teardown of the canary variant. */
export const CANARY_DEPLOY_PLACEHOLDERS = ['model', 'environment', 'variant', 'endpoint'] as const;

/** Where each command sits under `flow`, and what it may use. */
export const COMMAND_PLACEHOLDERS: readonly { path: readonly string[]; allowed: readonly string[] }[] = [
  { path: ['build', 'command'], allowed: ['model'] },
  { path: ['sanity', 'predict'], allowed: ['model', 'input', 'output'] },
  { path: ['deploy_test', 'deploy'], allowed: DEPLOY_TEST_PLACEHOLDERS },
  { path: ['deploy_test', 'teardown'], allowed: DEPLOY_TEST_PLACEHOLDERS },
  { path: ['canary', 'traffic'], allowed: ['weight', 'variant', 'model'] },
  { path: ['canary', 'promote'], allowed: ['model', 'environment'] },
  { path: ['canary', 'rollback'], allowed: ['model', 'environment'] },
  { path: ['canary', 'deploy'], allowed: CANARY_DEPLOY_PLACEHOLDERS },
  { path: ['canary', 'teardown'], allowed: CANARY_DEPLOY_PLACEHOLDERS },
  { path: ['canary', 'analysis', 'command'], allowed: CANARY_ANALYSIS_PLACEHOLDERS },
];
