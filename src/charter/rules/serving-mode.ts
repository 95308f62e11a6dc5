import { findingCollector, type RuleFamily } from '../finding.js';

/** deploy-test goals only an endpoint answering requests can have. */
const ONLINE_GOAL = /^(latency_(p\d{1,2}|mean|max)_ms|throughput_rps)$/;

/**
 * The flow tests the model the way the charter says it is served. A batch model (scored on a
 * schedule) that deploy-test load-tests as an online endpoint measures latencies nobody will
 * wait for, while the batch job that will run goes untested: one of the two is wrong.
 */
export const servingMode: RuleFamily = {
  id: 'serving-mode',
  title: 'Serving mode and the tests',
  check({ loaded }) {
    const { findings, report } = findingCollector(loaded);
    if (loaded.config.charter.requirements?.serving !== 'batch') return findings;
    const deployTest = loaded.config.flow?.deploy_test;
    if (!deployTest) return findings;
    const onlineGoals = Object.keys(deployTest.goals ?? {}).filter((id) => ONLINE_GOAL.test(id));
    const fix =
      'make requirements.serving online (and set its latency and throughput), or test the batch job: replay without load or latency and throughput goals';
    if (deployTest.load !== undefined) {
      report(
        'batch-load-test',
        'error',
        `requirements.serving is batch, yet flow.deploy_test.load load-tests an online endpoint: ${fix}`,
        ['flow', 'deploy_test', 'load'],
      );
    }
    for (const id of onlineGoals) {
      report(
        'batch-online-goal',
        'error',
        `requirements.serving is batch, yet flow.deploy_test.goals.${id} judges an online endpoint: ${fix}`,
        ['flow', 'deploy_test', 'goals', id],
      );
    }
    return findings;
  },
};
