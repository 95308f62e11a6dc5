import type { Check } from '../../core/result.js';
import type { Table } from '../sanity-check/behaviour.js';

export interface FeatureImportance {
  feature: string;
  /** Mean absolute attribution over all rows. */
  importance: number;
}

export interface ExplainabilityReport {
  source: string;
  rows: number;
  global: FeatureImportance[];
  /** Attribute → group → mean |attribution| per feature, top features first. */
  byGroup: Record<string, Record<string, FeatureImportance[]>>;
}

/** How many top features a sensitive attribute or proxy may not appear among. */
export const TOP_FEATURES = 3;

const NON_FEATURE = /^(id|.*_id|base_value|expected_value)$/i;

/**
 * Global importance from per-row attributions (e.g. SHAP values): the mean absolute value per
 * feature, as SHAP's summary plots rank them; and the same within each sensitive group, with
 * rows matched to the predictions by position.
 */
export function attributionImportance(
  attributions: Table,
  predictions: Table | undefined,
  attributes: readonly string[],
  source: string,
): ExplainabilityReport {
  const features = attributions.columns.filter((column) => !NON_FEATURE.test(column));
  const rank = (rows: readonly Record<string, string>[]) =>
    features
      .map((feature) => ({
        feature,
        importance:
          rows.reduce((sum, row) => sum + Math.abs(Number(row[feature]) || 0), 0) / Math.max(1, rows.length),
      }))
      .sort((a, b) => b.importance - a.importance || (a.feature < b.feature ? -1 : 1));
  const byGroup: ExplainabilityReport['byGroup'] = {};
  if (predictions && predictions.rows.length === attributions.rows.length) {
    for (const attribute of attributes.filter((a) => predictions.columns.includes(a))) {
      const groups = new Map<string, Record<string, string>[]>();
      attributions.rows.forEach((row, index) => {
        const group = predictions.rows[index]?.[attribute] ?? '';
        const members = groups.get(group);
        if (members) members.push(row);
        else groups.set(group, [row]);
      });
      byGroup[attribute] = Object.fromEntries(
        [...groups.entries()]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([group, rows]) => [group, rank(rows)]),
      );
    }
  }
  return { source, rows: attributions.rows.length, global: rank(attributions.rows), byGroup };
}

/** No sensitive attribute, and no declared proxy, may rank among the top features. */
export function sensitiveFeatureCheck(
  report: ExplainabilityReport,
  sensitive: readonly string[],
  proxies: readonly string[],
  id = 'fairness/explainability/top-features',
): Check {
  // A feature with no importance is not "among the top", whatever its rank in a tie at zero.
  const top = report.global
    .filter((f) => f.importance > 0)
    .slice(0, TOP_FEATURES)
    .map((f) => f.feature);
  const matches = (feature: string, name: string) => feature === name || feature.startsWith(`${name}=`);
  const flagged = top.filter((feature) => [...sensitive, ...proxies].some((name) => matches(feature, name)));
  return {
    id,
    title: `No sensitive attribute or proxy among the top ${TOP_FEATURES} features (${report.source})`,
    verdict:
      flagged.length === 0
        ? 'pass'
        : flagged.some((f) => sensitive.some((s) => matches(f, s)))
          ? 'fail'
          : 'warn',
    observed:
      flagged.length === 0
        ? `top features: ${top.join(', ')}`
        : flagged
            .map((feature) => {
              const kind = sensitive.some((s) => matches(feature, s))
                ? 'sensitive attribute'
                : 'declared proxy';
              return `${feature} (${kind}) ranks #${top.indexOf(feature) + 1}`;
            })
            .join('; ') + ` — top features: ${top.join(', ')}`,
    expected: `none of ${[...sensitive, ...proxies].join(', ') || '(none declared)'}`,
  };
}
