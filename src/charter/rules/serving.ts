import { cronProblem } from '../../config/cron.js';
import { formatGoal, parseGoal, type Goal } from '../../config/goal.js';
import type { GoalText } from '../../config/types.js';
import { findingCollector, locateInString, type RuleFamily } from '../finding.js';

/**
 * Whether a deploy-test goal is at least as strict as the charter's requirement: every value
 * the goal lets through must satisfy the requirement. `bound` is 'max' for a ceiling (latency)
 * and 'min' for a floor (throughput).
 */
function strictEnough(goal: Goal, requirement: number, bound: 'max' | 'min'): boolean {
  if (goal.op === '==') return bound === 'max' ? goal.value <= requirement : goal.value >= requirement;
  if (bound === 'max') return (goal.op === '<=' || goal.op === '<') && goal.value <= requirement;
  return (goal.op === '>=' || goal.op === '>') && goal.value >= requirement;
}

const LIMITS = [
  { key: 'latency_p95_ms', bound: 'max', what: 'p95 latency', unit: 'ms' },
  { key: 'throughput_rps', bound: 'min', what: 'throughput', unit: 'requests/s' },
] as const;

/**
 * An online endpoint has to say how fast and how much; deploy-test must then hold the model to
 * at least that, or a model could pass the test environment and still break the requirement.
 */
export const servingRequirements: RuleFamily = {
  id: 'serving',
  title: 'Serving requirements',
  check({ loaded }) {
    const { findings, report } = findingCollector(loaded);
    const requirements = loaded.config.charter.requirements ?? {};
    const deployTest = loaded.config.flow?.deploy_test;
    if (requirements.serving === 'online') {
      for (const { key, what, unit } of LIMITS) {
        if (requirements[key] === undefined) {
          report(
            'online-requirement',
            'error',
            `online serving needs requirements.${key}: the ${what} (${unit}) the endpoint must achieve`,
            ['charter', 'requirements', 'serving'],
          );
        }
      }
    }

    if (typeof requirements.schedule === 'string') {
      const problem = cronProblem(requirements.schedule);
      if (problem) {
        findings.push({
          rule: 'schedule-invalid',
          severity: 'error',
          message: problem.message,
          location: locateInString(
            loaded,
            ['charter', 'requirements', 'schedule'],
            problem.offset,
            problem.text,
          ),
        });
      }
    }

    const goals: Record<string, GoalText> = deployTest?.goals ?? {};
    for (const { key, bound, what } of LIMITS) {
      const requirement = requirements[key];
      const written = goals[key];
      if (requirement === undefined || written === undefined) continue;
      const goal = parseGoal(written, key);
      if (strictEnough(goal, requirement, bound)) continue;
      const needed = `${bound === 'max' ? '<=' : '>='} ${requirement}`;
      report(
        'goal-looser-than-requirement',
        'error',
        `the deploy-test ${what} goal ${formatGoal(goal)} is looser than the requirement ${key}: ${requirement}: make it "${needed}" or stricter`,
        ['flow', 'deploy_test', 'goals', key],
      );
    }

    const rate = deployTest?.load?.rate;
    if (
      requirements.throughput_rps !== undefined &&
      rate !== undefined &&
      rate < requirements.throughput_rps
    ) {
      report(
        'load-below-requirement',
        'warning',
        `the load test sends ${rate} requests/s, below the required throughput of ${requirements.throughput_rps}: it cannot show the requirement holds; raise load.rate`,
        ['flow', 'deploy_test', 'load', 'rate'],
      );
    }
    return findings;
  },
};
