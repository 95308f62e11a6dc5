import { meetsGoal, parseGoal } from '../../config/goal.js';
import { finder, type Finding, type RuleFamily } from '../finding.js';

/** Online serving needs latency and throughput requirements; deploy-test goals may not be looser. */
export const requirementRules: RuleFamily = {
  id: 'requirements',
  title: 'Serving requirements',
  check({ loaded }) {
    const findings: Finding[] = [];
    const at = finder(loaded, findings);
    const requirements = loaded.config.charter.requirements ?? {};
    if (requirements.serving === 'online') {
      for (const key of ['latency_p95_ms', 'throughput_rps'] as const) {
        if (requirements[key] === undefined) {
          at(
            'online-requirement',
            'error',
            `online serving needs requirements.${key}: how fast and how much traffic the endpoint must handle`,
            ['charter', 'requirements', 'serving'],
          );
        }
      }
    }
    const goals = loaded.config.flow?.deploy_test?.goals ?? {};
    if (requirements.latency_p95_ms !== undefined && goals.latency_p95_ms !== undefined) {
      const goal = parseGoal(goals.latency_p95_ms, 'latency_p95_ms');
      // Looser: a latency the requirement forbids would pass the goal.
      if (goal.op.startsWith('<') ? goal.value > requirements.latency_p95_ms : true) {
        at(
          'goal-looser-than-requirement',
          'error',
          `deploy-test latency goal ${String(goals.latency_p95_ms)} is looser than the requirement latency_p95_ms: ${requirements.latency_p95_ms}`,
          ['flow', 'deploy_test', 'goals', 'latency_p95_ms'],
        );
      }
    }
    if (requirements.throughput_rps !== undefined && goals.throughput_rps !== undefined) {
      const goal = parseGoal(goals.throughput_rps, 'throughput_rps');
      if (meetsGoal(requirements.throughput_rps - 1e-9, goal) || !goal.op.startsWith('>')) {
        at(
          'goal-looser-than-requirement',
          'error',
          `deploy-test throughput goal ${String(goals.throughput_rps)} is looser than the requirement throughput_rps: ${requirements.throughput_rps}`,
          ['flow', 'deploy_test', 'goals', 'throughput_rps'],
        );
      }
    }
    const load = loaded.config.flow?.deploy_test?.load;
    if (
      requirements.throughput_rps !== undefined &&
      load?.rate !== undefined &&
      load.rate < requirements.throughput_rps
    ) {
      at(
        'load-below-requirement',
        'warning',
        `the load test sends ${load.rate} requests/s, below the required throughput of ${requirements.throughput_rps}: it cannot show the requirement holds`,
        ['flow', 'deploy_test', 'load', 'rate'],
      );
    }
    return findings;
  },
};

/** Milestones gate on known metrics; one past its due date is a warning naming it. */
export const milestoneRules: RuleFamily = {
  id: 'milestones',
  title: 'Milestones',
  check({ loaded, now }) {
    const findings: Finding[] = [];
    const at = finder(loaded, findings);
    const metrics = loaded.config.charter.metrics ?? {};
    const known = new Set(
      [...(metrics.model ?? []), ...(metrics.domain ?? []), ...(metrics.business ?? [])].map((m) => m.id),
    );
    const today = now.toISOString().slice(0, 10);
    (loaded.config.charter.milestones ?? []).forEach((milestone, index) => {
      (milestone.gate ?? []).forEach((id, gateIndex) => {
        if (!known.has(id))
          at(
            'milestone-unknown-metric',
            'error',
            `milestone "${milestone.name}" is gated on "${id}", which is not a metric in the charter`,
            ['charter', 'milestones', index, 'gate', gateIndex],
          );
      });
      if (milestone.due < today) {
        at(
          'milestone-overdue',
          'warning',
          `milestone "${milestone.name}" was due on ${milestone.due}: mark it done (remove it) or set a new date`,
          ['charter', 'milestones', index, 'due'],
        );
      }
    });
    return findings;
  },
};

const QUESTIONS = [
  ['why_ml', 'why ML rather than a process change or hand-written rules'],
  ['alternatives', 'which alternatives were weighed'],
  ['problem_statement', 'the ML task in one sentence (inputs, output, horizon)'],
  ['data_known', 'whether the data is known to exist'],
  ['data_quality_reviewed', "whether the data's quality was reviewed"],
] as const;

/** The IT director's questions; a gap is a warning, an error under `flow.enforce: strict`. */
export const justificationRules: RuleFamily = {
  id: 'justification',
  title: 'Justification',
  check({ loaded }) {
    const findings: Finding[] = [];
    const at = finder(loaded, findings);
    const justification = loaded.config.charter.justification ?? {};
    const severity = (loaded.config.flow?.enforce ?? 'strict') === 'strict' ? 'error' : 'warning';
    for (const [key, question] of QUESTIONS) {
      const answer = justification[key];
      const gap = answer === undefined || answer === false || (Array.isArray(answer) && answer.length === 0);
      if (!gap) continue;
      const path =
        answer === undefined
          ? loaded.config.charter.justification
            ? ['charter', 'justification']
            : ['charter']
          : ['charter', 'justification', key];
      const message =
        answer === false
          ? `justification.${key} is false: ${question} must be settled before funding`
          : `justification.${key} is missing: say ${question}`;
      at('justification-gap', severity, message, path, answer === undefined ? 'key' : 'value');
    }
    return findings;
  },
};
