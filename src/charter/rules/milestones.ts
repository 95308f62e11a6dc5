import { findingCollector, metricLevels, type RuleFamily } from '../finding.js';

/** Milestones gate on metrics the charter defines; one past its due date needs a decision. */
export const milestones: RuleFamily = {
  id: 'milestones',
  title: 'Milestones',
  check({ loaded, now }) {
    const { findings, report } = findingCollector(loaded);
    const known = metricLevels(loaded);
    // Dates are compared as ISO strings, by calendar day in UTC, so a milestone due today is not late.
    const today = now.toISOString().slice(0, 10);
    (loaded.config.charter.milestones ?? []).forEach((milestone, index) => {
      (milestone.gate ?? []).forEach((id, gateIndex) => {
        if (!known.has(id)) {
          report(
            'milestone-unknown-metric',
            'error',
            `milestone "${milestone.name}" is gated on "${id}", which is not a metric in the charter: use one of ${[...known.keys()].join(', ') || 'the metrics you define under charter.metrics'}`,
            ['charter', 'milestones', index, 'gate', gateIndex],
          );
        }
      });
      if (String(milestone.due) < today) {
        report(
          'milestone-overdue',
          'warning',
          `milestone "${milestone.name}" was due on ${milestone.due}: set a new date, or remove it if it was reached`,
          ['charter', 'milestones', index, 'due'],
        );
      }
    });
    return findings;
  },
};
