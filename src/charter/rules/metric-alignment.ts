import type { DerivedMetricSpec, MetricsSpec } from '../../config/types.js';
import type { PathSegment } from '../../config/yaml-source.js';
import type { MetricLevel } from '../../core/result.js';
import { findingCollector, type RuleFamily } from '../finding.js';

const LEVELS = ['model', 'domain', 'business'] as const;
const BELOW = { domain: 'model', business: 'domain' } as const;
const AUDIENCE: Record<MetricLevel, string> = {
  model: "the data scientist's metrics (e.g. precision)",
  domain: "the subject-matter expert's metrics (e.g. share of bad payers caught)",
  business: "the business stakeholder's KPIs (e.g. bad debt avoided in USD)",
};

/**
 * The three levels must line up, or the PR comment cannot say what a better model is worth:
 * every metric has a goal, ids are unique across levels, each business KPI derives from domain
 * metrics and each domain metric from model metrics, and nothing derives from itself.
 */
export const metricAlignment: RuleFamily = {
  id: 'metrics',
  title: 'Metric alignment',
  check({ loaded }) {
    const { findings, report } = findingCollector(loaded);
    const metrics = loaded.config.charter.metrics ?? {};
    const metricPath = (level: MetricLevel, index: number): PathSegment[] => [
      'charter',
      'metrics',
      level,
      index,
    ];

    const levelOf = new Map<string, MetricLevel>();
    for (const level of LEVELS) {
      (metrics[level] ?? []).forEach((metric, index) => {
        const previous = levelOf.get(metric.id);
        if (previous) {
          report(
            'metric-duplicate',
            'error',
            `metric id "${metric.id}" is already used at the ${previous} level: give each metric its own id`,
            [...metricPath(level, index), 'id'],
          );
        } else levelOf.set(metric.id, level);
      });
    }

    for (const level of LEVELS) {
      if ((metrics[level] ?? []).length > 0) continue;
      // Without model metrics nothing can be measured; a missing upper level only hides value.
      report(
        'metrics-missing',
        level === 'model' ? 'error' : 'warning',
        `no ${level} metrics: list ${AUDIENCE[level]} under charter.metrics.${level}`,
        metrics[level]
          ? ['charter', 'metrics', level]
          : loaded.config.charter.metrics
            ? ['charter', 'metrics']
            : ['charter'],
        'key',
      );
    }

    for (const level of LEVELS) {
      (metrics[level] ?? []).forEach((metric, index) => {
        if (metric.goal === undefined) {
          report(
            'goal-missing',
            'error',
            `${metric.id} has no goal: add goal: ">= …" or "<= …" so every stage can judge it`,
            [...metricPath(level, index), 'id'],
          );
        }
      });
    }

    for (const level of ['domain', 'business'] as const) {
      const below = BELOW[level];
      (metrics[level] ?? []).forEach((metric: DerivedMetricSpec, index) => {
        const from = metric.from ?? [];
        if (from.length === 0) {
          report(
            'derivation-missing',
            'error',
            `${level} metric ${metric.id} derives from nothing: add from: [<${below} metric ids>] naming what it is computed from`,
            metric.from ? [...metricPath(level, index), 'from'] : [...metricPath(level, index), 'id'],
          );
        }
        from.forEach((id, fromIndex) => {
          const found = levelOf.get(id);
          const at = [...metricPath(level, index), 'from', fromIndex];
          if (!found) {
            report(
              'derivation-unknown',
              'error',
              `${metric.id} derives from "${id}", which is not a metric in the charter: add it under charter.metrics.${below} or fix the id`,
              at,
            );
          } else if (found !== below && id !== metric.id) {
            report(
              'derivation-level',
              'error',
              `${level} metric ${metric.id} must derive from ${below} metrics; "${id}" is a ${found} metric`,
              at,
            );
          }
        });
      });
    }

    for (const cycle of derivationCycles(metrics)) {
      const [level, index] = cycle.at;
      report(
        'derivation-cycle',
        'error',
        `metrics derive from each other in a cycle: ${cycle.ids.join(' → ')}; a metric must derive only from the level below`,
        [...metricPath(level, index), 'from'],
      );
    }
    return findings;
  },
};

interface Cycle {
  ids: string[];
  /** The metric whose `from` closes the cycle. */
  at: [MetricLevel, number];
}

/** Each derivation cycle once, found by depth-first search over `from` edges. */
function derivationCycles(metrics: MetricsSpec): Cycle[] {
  const edges = new Map<string, { from: string[]; at: [MetricLevel, number] }>();
  for (const level of ['domain', 'business'] as const) {
    (metrics[level] ?? []).forEach((metric, index) => {
      if (!edges.has(metric.id)) edges.set(metric.id, { from: metric.from ?? [], at: [level, index] });
    });
  }
  const cycles: Cycle[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, trail: string[]): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') {
      const ids = [...trail.slice(trail.indexOf(id)), id];
      const closing = edges.get(trail[trail.length - 1] as string);
      if (closing) cycles.push({ ids, at: closing.at });
      return;
    }
    state.set(id, 'visiting');
    for (const next of edges.get(id)?.from ?? []) visit(next, [...trail, id]);
    state.set(id, 'done');
  };
  for (const id of edges.keys()) visit(id, []);
  return cycles;
}
