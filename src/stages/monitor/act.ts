/**
 * What the monitor does about what it found: one issue per problem (opened once, updated while the
 * problem lasts, closed when it is gone) and, when a goal is newly missed, a rebuild.
 */
import type { MonitorSpec } from '../../config/types.js';
import type { Platform } from '../../platform/ports.js';
import type { DriftJudgement, GoalJudgement } from './judge.js';
import { metricChart, type MonitorActions, type WindowReport } from './section.js';

const MARK = 'mlops-flow monitor';

function goalIssue(goal: GoalJudgement, reports: readonly WindowReport[], goalValue: number) {
  const chart = metricChart(goal.metric, goalValue, reports);
  return {
    key: `goal/${goal.metric}`,
    title: `${MARK}: ${goal.metric} missed its goal in production`,
    body: [
      `**${goal.metric}** (${goal.level}) is ${goal.value ?? 'n/a'} in production` +
        (goal.interval ? ` (95% interval ${goal.interval[0]} – ${goal.interval[1]})` : '') +
        `; the charter's goal is ${goal.goal}. ${goal.reason}.`,
      chart,
      'This issue is updated on every monitor run while the goal is missed, and closed when it is met again.',
    ]
      .filter(Boolean)
      .join('\n\n'),
  };
}

function driftIssue(column: DriftJudgement) {
  return {
    key: `drift/${column.column}`,
    title: `${MARK}: drift of ${column.column}`,
    body: [
      `\`${column.column.replace(/`/g, "'")}\` has drifted from the data the model was evaluated on: ${column.test} statistic ` +
        `${column.statistic}, p-value ${column.p_value}, PSI ${column.psi} ` +
        `(${column.current_count} production values against ${column.reference_count}).`,
      'This issue is updated on every monitor run while the drift lasts, and closed when it is gone.',
    ].join('\n\n'),
  };
}

export async function act(
  platform: Platform,
  spec: MonitorSpec,
  latest: WindowReport,
  reports: readonly WindowReport[],
  goalValues: ReadonlyMap<string, number>,
  allColumns: readonly string[],
): Promise<MonitorActions> {
  const actions: MonitorActions = { issues: [] };
  const failing = latest.goals.filter((goal) => goal.verdict === 'fail');
  const drifted = latest.drift.filter((column) => column.drifted);
  let newlyMissed = false;
  if (spec.issues !== false && platform.issues) {
    const open = [
      ...failing.map((goal) => goalIssue(goal, reports, goalValues.get(goal.metric) ?? 0)),
      ...drifted.map(driftIssue),
    ];
    for (const issue of open) {
      const outcome = await platform.issues.upsert(issue);
      if (outcome.action === 'opened' && issue.key.startsWith('goal/')) newlyMissed = true;
      actions.issues.push({ key: issue.key, title: issue.title, ...outcome });
    }
    const problems = new Set(open.map((issue) => issue.key));
    const everyKey = [
      ...latest.goals.map((goal) => `goal/${goal.metric}`),
      ...allColumns.map((column) => `drift/${column}`),
    ];
    for (const key of everyKey) {
      if (problems.has(key)) continue;
      const outcome = await platform.issues.close(
        key,
        `Resolved: the newest window (${latest.window.start}) no longer shows it.`,
      );
      if (outcome.action === 'closed') {
        actions.issues.push({ key, title: key, ...outcome });
      }
    }
  } else {
    newlyMissed = failing.length > 0;
  }
  if (failing.length > 0 && newlyMissed && spec.retrain && platform.dispatch) {
    const metrics = Object.fromEntries(
      latest.goals
        .filter((goal) => goal.level === 'model' && goal.value !== null)
        .map((goal) => [goal.metric, goal.value as number]),
    );
    const { location } = await platform.dispatch.dispatch({
      ...(spec.retrain.workflow ? { workflow: spec.retrain.workflow } : {}),
      ...(spec.retrain.event_type ? { eventType: spec.retrain.event_type } : {}),
      ...(spec.retrain.ref ? { ref: spec.retrain.ref } : {}),
      inputs: {
        'production-metrics': JSON.stringify(metrics),
        reason: failing.map((goal) => `${goal.metric} missed its goal in production`).join('; '),
      },
    });
    actions.retrain = { location, metrics };
  }
  return actions;
}
