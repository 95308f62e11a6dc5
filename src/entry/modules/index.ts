import type { StageName } from '../../core/stages.js';
import type { StageModule } from './module.js';

type Loader = () => Promise<StageModule<unknown>>;

/**
 * Every stage this version implements, loaded lazily so the CLI starts without loading every
 * stage's dependencies. A stage missing here is reported as not available, never faked.
 */
export const STAGE_MODULES: Partial<Record<StageName, Loader>> = {
  'validate-charter': async () =>
    (await import('./validate-charter.js')).validateCharterModule as StageModule<unknown>,
  'build-model': async () => (await import('./build-model.js')).buildModelModule as StageModule<unknown>,
  'fairness-report': async () =>
    (await import('./fairness-report.js')).fairnessReportModule as StageModule<unknown>,
  'sanity-check': async () => (await import('./sanity-check.js')).sanityCheckModule as StageModule<unknown>,
  'canary-promote': async () =>
    (await import('./canary-promote.js')).canaryPromoteModule as StageModule<unknown>,
  'deploy-test': async () => (await import('./deploy-test.js')).deployTestModule as StageModule<unknown>,
  monitor: async () => (await import('./monitor.js')).monitorModule as StageModule<unknown>,
};
