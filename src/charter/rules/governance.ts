import { finder, type Finding, type RuleFamily } from '../finding.js';

/**
 * Regulations and explainability: naming a regulation (ECOA, GDPR, …) makes explainability
 * required, sensitive attributes declared and fairness goals present; explainability required
 * needs a source of explanations.
 */
export const governanceRules: RuleFamily = {
  id: 'governance',
  title: 'Regulations, fairness and explainability',
  check({ loaded }) {
    const findings: Finding[] = [];
    const at = finder(loaded, findings);
    const { charter, flow } = loaded.config;
    const requirements = charter.requirements ?? {};
    const regulations = requirements.regulations ?? [];
    if (regulations.length > 0) {
      const named = regulations.join(', ');
      if (requirements.explainability !== 'required') {
        at(
          'regulation-explainability',
          'error',
          `regulations (${named}) are named, so set requirements.explainability: required`,
          requirements.explainability
            ? ['charter', 'requirements', 'explainability']
            : ['charter', 'requirements', 'regulations'],
          requirements.explainability ? 'value' : 'key',
        );
      }
      if ((charter.data?.sensitive_attributes ?? []).length === 0) {
        at(
          'regulation-sensitive-attributes',
          'error',
          `regulations (${named}) are named, so declare the sensitive attributes under charter.data.sensitive_attributes`,
          ['charter', 'requirements', 'regulations'],
          'key',
        );
      }
      if (Object.keys(flow?.fairness?.goals ?? {}).length === 0) {
        at(
          'regulation-fairness-goals',
          'error',
          `regulations (${named}) are named, so add fairness goals under flow.fairness.goals (e.g. demographic_parity_ratio: ">= 0.80")`,
          flow?.fairness ? ['flow', 'fairness'] : ['charter', 'requirements', 'regulations'],
          'key',
        );
      }
    }
    if (requirements.explainability === 'required') {
      const explainability = flow?.fairness?.explainability;
      const hasAttributions = explainability?.attributions !== undefined;
      const hasPermutation =
        explainability?.permutation_importance !== undefined && flow?.sanity?.predict !== undefined;
      if (!hasAttributions && !hasPermutation) {
        at(
          'explainability-source',
          'error',
          'explainability is required but nothing explains the model: set flow.fairness.explainability.attributions (e.g. SHAP values) or permutation_importance with a flow.sanity.predict command',
          ['charter', 'requirements', 'explainability'],
        );
      }
    }
    return findings;
  },
};

/** The data inventory: something must-have, owners for third-party data, fairness attributes declared. */
export const dataRules: RuleFamily = {
  id: 'data',
  title: 'Data inventory',
  check({ loaded }) {
    const findings: Finding[] = [];
    const at = finder(loaded, findings);
    const { charter, flow } = loaded.config;
    const sources = charter.data?.sources ?? [];
    if (!sources.some((source) => source.priority === 'must-have')) {
      at(
        'data-must-have',
        'error',
        'no must-have data source: list the data the model cannot do without under charter.data.sources with priority: must-have',
        sources.length > 0
          ? ['charter', 'data', 'sources']
          : charter.data
            ? ['charter', 'data']
            : ['charter'],
        'key',
      );
    }
    sources.forEach((source, index) => {
      if (source.origin === 'third-party' && !source.owner) {
        at(
          'data-third-party-owner',
          'error',
          `third-party source "${source.name}" names no owner: add owner: "@team" who manages the contract`,
          ['charter', 'data', 'sources', index, 'origin'],
        );
      }
    });
    const declared = new Set(charter.data?.sensitive_attributes ?? []);
    (flow?.fairness?.attributes ?? []).forEach((attribute, index) => {
      if (!declared.has(attribute)) {
        at(
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
