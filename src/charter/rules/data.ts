import { findingCollector, type RuleFamily } from '../finding.js';

/**
 * The data inventory: a model needs at least one source it cannot do without, someone must
 * answer for data bought from outside, and fairness can only be measured over attributes the
 * charter declares sensitive (or the report would silently cover a different population).
 */
export const dataInventory: RuleFamily = {
  id: 'data',
  title: 'Data inventory',
  check({ loaded }) {
    const { findings, report } = findingCollector(loaded);
    const { charter, flow } = loaded.config;
    const sources = charter.data?.sources ?? [];
    if (!sources.some((source) => source.priority === 'must-have')) {
      report(
        'data-must-have',
        'error',
        'no must-have data source: list the data the model cannot do without under charter.data.sources with priority: must-have',
        charter.data?.sources
          ? ['charter', 'data', 'sources']
          : charter.data
            ? ['charter', 'data']
            : ['charter'],
        'key',
      );
    }
    sources.forEach((source, index) => {
      if (source.origin === 'third-party' && !source.owner) {
        report(
          'data-third-party-owner',
          'error',
          `third-party source "${source.name}" names no owner: add owner: "@user" or "@org/team", who manages the supplier and the contract`,
          ['charter', 'data', 'sources', index, 'origin'],
        );
      }
    });
    const declared = new Set(charter.data?.sensitive_attributes ?? []);
    (flow?.fairness?.attributes ?? []).forEach((attribute, index) => {
      if (!declared.has(attribute)) {
        report(
          'fairness-attribute-undeclared',
          'error',
          `fairness attribute "${attribute}" is not a declared sensitive attribute: add it to charter.data.sensitive_attributes`,
          ['flow', 'fairness', 'attributes', index],
        );
      }
    });
    return findings;
  },
};
