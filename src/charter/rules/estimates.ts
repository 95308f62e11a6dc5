import { parseExpression, referencedMetrics } from '../../config/expression.js';
import { findingCollector, locateInString, metricLevels, type RuleFamily } from '../finding.js';

/**
 * An `estimate` turns measured metrics into money or domain figures in the PR comment. It may
 * read only metrics that exist (anything else evaluates to nothing), and should read only the
 * ones its `from` names, or the alignment tree would hide a dependency.
 */
export const estimates: RuleFamily = {
  id: 'estimates',
  title: 'Estimates',
  check({ loaded }) {
    const { findings } = findingCollector(loaded);
    const known = metricLevels(loaded);
    const metrics = loaded.config.charter.metrics ?? {};
    for (const level of ['domain', 'business'] as const) {
      (metrics[level] ?? []).forEach((metric, index) => {
        if (metric.estimate === undefined) return;
        const path = ['charter', 'metrics', level, index, 'estimate'];
        // The loader has already rejected estimates that do not parse.
        for (const reference of referencedMetrics(parseExpression(metric.estimate))) {
          const location = locateInString(loaded, path, reference.offset, reference.id);
          if (!known.has(reference.id)) {
            findings.push({
              rule: 'estimate-unknown-metric',
              severity: 'error',
              message: `the estimate of ${metric.id} uses "${reference.id}", which is not a metric in the charter: use a metric id or a number`,
              location,
            });
          } else if (!(metric.from ?? []).includes(reference.id)) {
            findings.push({
              rule: 'estimate-outside-from',
              severity: 'warning',
              message: `the estimate of ${metric.id} uses ${reference.id}, which its from: list does not name: add it to from`,
              location,
            });
          }
        }
      });
    }
    return findings;
  },
};
