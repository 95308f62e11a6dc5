import { findingCollector, type RuleFamily } from '../finding.js';

/**
 * Naming a regulation (ECOA, GDPR, …) is a promise that decisions can be explained and are
 * checked for bias: explainability becomes required, sensitive attributes must be declared and
 * fairness goals set. Required explainability needs something that produces explanations.
 */
export const regulations: RuleFamily = {
  id: 'regulations',
  title: 'Regulations, fairness and explainability',
  check({ loaded }) {
    const { findings, report } = findingCollector(loaded);
    const { charter, flow } = loaded.config;
    const requirements = charter.requirements ?? {};
    const named = requirements.regulations ?? [];
    const regulationsKey = ['charter', 'requirements', 'regulations'];
    if (named.length > 0) {
      const list = named.join(', ');
      if (requirements.explainability !== 'required') {
        const written = requirements.explainability !== undefined;
        report(
          'regulation-explainability',
          'error',
          `regulations (${list}) are named, so set requirements.explainability: required`,
          written ? ['charter', 'requirements', 'explainability'] : regulationsKey,
          written ? 'value' : 'key',
        );
      }
      if ((charter.data?.sensitive_attributes ?? []).length === 0) {
        report(
          'regulation-sensitive-attributes',
          'error',
          `regulations (${list}) are named, so declare the sensitive attributes (e.g. gender, age_band) under charter.data.sensitive_attributes`,
          regulationsKey,
          'key',
        );
      }
      if (Object.keys(flow?.fairness?.goals ?? {}).length === 0) {
        report(
          'regulation-fairness-goals',
          'error',
          `regulations (${list}) are named, so add fairness goals under flow.fairness.goals (e.g. demographic_parity_ratio: ">= 0.80")`,
          flow?.fairness ? ['flow', 'fairness'] : regulationsKey,
          'key',
        );
      }
    }

    if (requirements.explainability === 'required') {
      const explainability = flow?.fairness?.explainability;
      const attributions = explainability?.attributions !== undefined;
      const permutation = explainability?.permutation_importance !== undefined;
      const predict = flow?.sanity?.predict !== undefined;
      if (!attributions && !(permutation && predict)) {
        report(
          'explainability-source',
          'error',
          permutation
            ? 'explainability is required and permutation_importance is set, but it re-runs the model through flow.sanity.predict, which is missing: add that command, or per-row attributions under flow.fairness.explainability.attributions'
            : 'explainability is required but nothing explains the model: set flow.fairness.explainability.attributions (per-row attributions such as SHAP values) or permutation_importance together with a flow.sanity.predict command',
          ['charter', 'requirements', 'explainability'],
        );
      }
    }
    return findings;
  },
};
