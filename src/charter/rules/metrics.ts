import { parseExpression, referencedMetrics } from '../../config/expression.js';
import type { DerivedMetricSpec } from '../../config/types.js';
import { finder, type Finding, type RuleFamily } from '../finding.js';

type Level = 'model' | 'domain' | 'business';
const BELOW: Record<Level, Level | undefined> = { business: 'domain', domain: 'model', model: undefined };

/**
 * The three levels must be aligned: every business KPI derives from domain metrics, every
 * domain metric from model metrics, every metric has a goal, no id is unknown or repeated,
 * derivations have no cycles, and estimates read only known metrics.
 */
export const metricRules: RuleFamily = {
  id: 'metrics',
  title: 'Metric alignment',
  check({ loaded }) {
    const findings: Finding[] = [];
    const at = finder(loaded, findings);
    const metrics = loaded.config.charter.metrics ?? {};
    const levelOf = new Map<string, Level>();
    for (const level of ['model', 'domain', 'business'] as const) {
      for (const [index, metric] of (metrics[level] ?? []).entries()) {
        const previous = levelOf.get(metric.id);
        if (previous) {
          at(
            'metric-duplicate',
            'error',
            `metric id "${metric.id}" is already used at the ${previous} level: ids must be unique`,
            ['charter', 'metrics', level, index, 'id'],
          );
        } else levelOf.set(metric.id, level);
      }
    }
    if ((metrics.model ?? []).length === 0) {
      at(
        'metrics-missing',
        'error',
        "no model metrics: list the data scientist's metrics (e.g. precision) under charter.metrics.model",
        metrics.model ? ['charter', 'metrics', 'model'] : ['charter'],
        'key',
      );
    }
    for (const level of ['model', 'domain', 'business'] as const) {
      for (const [index, metric] of (metrics[level] ?? []).entries()) {
        const path = ['charter', 'metrics', level, index];
        if (metric.goal === undefined) {
          at('goal-missing', 'error', `${metric.id} has no goal: add goal: ">= …" or "<= …"`, [
            ...path,
            'id',
          ]);
        }
        if (level === 'model') continue;
        const derived = metric as DerivedMetricSpec;
        const below = BELOW[level] as Level;
        const from = derived.from ?? [];
        if (from.length === 0) {
          at(
            'derivation-missing',
            'error',
            `${level} metric ${metric.id} derives from nothing: add from: [<${below} metric ids>]`,
            [...path, 'id'],
          );
        }
        for (const [fromIndex, id] of from.entries()) {
          const found = levelOf.get(id);
          if (!found)
            at(
              'derivation-unknown',
              'error',
              `${metric.id} derives from "${id}", which is not a metric in the charter`,
              [...path, 'from', fromIndex],
            );
          else if (found !== below) {
            at(
              'derivation-level',
              'error',
              `${level} metric ${metric.id} must derive from ${below} metrics; "${id}" is a ${found} metric`,
              [...path, 'from', fromIndex],
            );
          }
        }
        if (derived.estimate !== undefined)
          findings.push(...estimateFindings(derived, [...path, 'estimate'], levelOf, loaded));
      }
    }
    findings.push(...cycles(metrics, loaded));
    return findings;
  },
};

function estimateFindings(
  metric: DerivedMetricSpec,
  path: (string | number)[],
  known: Map<string, Level>,
  loaded: Parameters<RuleFamily['check']>[0]['loaded'],
): Finding[] {
  const findings: Finding[] = [];
  const start = loaded.source.scalarStart(path);
  const locationAt = (offset: number) =>
    start && !(metric.estimate as string).slice(0, offset).includes('\n')
      ? { ...start.location, column: start.location.column + offset }
      : loaded.source.locate(path);
  for (const reference of referencedMetrics(parseExpression(metric.estimate as string))) {
    if (!known.has(reference.id)) {
      findings.push({
        rule: 'estimate-unknown-metric',
        severity: 'error',
        message: `the estimate of ${metric.id} uses "${reference.id}", which is not a metric in the charter`,
        location: locationAt(reference.offset),
      });
    } else if (!(metric.from ?? []).includes(reference.id)) {
      findings.push({
        rule: 'estimate-outside-from',
        severity: 'warning',
        message: `the estimate of ${metric.id} uses ${reference.id}, which its from: list does not name: add it there`,
        location: locationAt(reference.offset),
      });
    }
  }
  return findings;
}

/** Derivation cycles (a → b → a), reported once each, at the metric that closes them. */
function cycles(
  metrics: NonNullable<Parameters<RuleFamily['check']>[0]['loaded']['config']['charter']['metrics']>,
  loaded: Parameters<RuleFamily['check']>[0]['loaded'],
): Finding[] {
  const edges = new Map<string, string[]>();
  const where = new Map<string, (string | number)[]>();
  for (const level of ['domain', 'business'] as const) {
    for (const [index, metric] of (metrics[level] ?? []).entries()) {
      edges.set(metric.id, metric.from ?? []);
      where.set(metric.id, ['charter', 'metrics', level, index, 'from']);
    }
  }
  const findings: Finding[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, trail: string[]): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(id)), id];
      findings.push({
        rule: 'derivation-cycle',
        severity: 'error',
        message: `metrics derive from each other in a cycle: ${cycle.join(' → ')}`,
        location: loaded.source.locate(where.get(id) ?? ['charter', 'metrics']),
      });
      return;
    }
    state.set(id, 'visiting');
    for (const next of edges.get(id) ?? []) visit(next, [...trail, id]);
    state.set(id, 'done');
  };
  for (const id of edges.keys()) visit(id, []);
  return findings;
}
