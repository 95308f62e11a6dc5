/**
 * Disparities of each group against one reference group, as Aequitas reports them:
 * `<metric>_disparity = metric(group) / metric(reference)`, with
 *
 * - ppr: predicted positive ratio, the group's share of all predicted positives of the frame;
 * - pprev: predicted prevalence, the group's predicted positives over its size (selection rate);
 * - fpr, fnr, tpr, precision: the group's rates.
 *
 * The reference is the largest group unless named (Aequitas' "majority" default). A disparity
 * against a reference rate of 0 or an undefined rate is null.
 */
import type { ConfusionCounts } from '../classification.js';
import { rateOf } from './rates.js';

export type ReferenceDisparityName =
  | 'ppr_disparity'
  | 'pprev_disparity'
  | 'fpr_disparity'
  | 'fnr_disparity'
  | 'tpr_disparity'
  | 'precision_disparity';

export const REFERENCE_DISPARITY_NAMES: readonly ReferenceDisparityName[] = [
  'ppr_disparity',
  'pprev_disparity',
  'fpr_disparity',
  'fnr_disparity',
  'tpr_disparity',
  'precision_disparity',
];

const total = (c: ConfusionCounts) => c.tp + c.fp + c.tn + c.fn;

/**
 * The reference group's index: the named group, else the largest compared group (ties: the
 * first), else the largest of all. -1 when the frame has no members.
 */
export function chooseReference(
  names: readonly string[],
  groups: readonly ConfusionCounts[],
  compared: readonly boolean[],
  named?: string,
): number {
  if (named !== undefined) return names.indexOf(named);
  let best = -1;
  for (const onlyCompared of [true, false]) {
    for (let g = 0; g < groups.length; g++) {
      if (onlyCompared && !compared[g]) continue;
      const size = total(groups[g] as ConfusionCounts);
      if (size > 0 && (best < 0 || size > total(groups[best] as ConfusionCounts))) best = g;
    }
    if (best >= 0) return best;
  }
  return best;
}

function quotient(a: number | null, b: number | null): number | null {
  return a === null || b === null || b === 0 ? null : a / b;
}

/** Each group's disparities against the group at `reference`. */
export function referenceDisparities(
  groups: readonly ConfusionCounts[],
  reference: number,
): Record<ReferenceDisparityName, number | null>[] {
  const ref = groups[reference];
  let predictedPositives = 0;
  for (const c of groups) predictedPositives += c.tp + c.fp;
  const ppr = (c: ConfusionCounts) => (predictedPositives === 0 ? null : (c.tp + c.fp) / predictedPositives);
  return groups.map((c) => {
    if (!ref) {
      return Object.fromEntries(REFERENCE_DISPARITY_NAMES.map((name) => [name, null])) as Record<
        ReferenceDisparityName,
        null
      >;
    }
    return {
      ppr_disparity: quotient(ppr(c), ppr(ref)),
      pprev_disparity: quotient(rateOf('selection_rate', c), rateOf('selection_rate', ref)),
      fpr_disparity: quotient(rateOf('false_positive_rate', c), rateOf('false_positive_rate', ref)),
      fnr_disparity: quotient(rateOf('false_negative_rate', c), rateOf('false_negative_rate', ref)),
      tpr_disparity: quotient(rateOf('true_positive_rate', c), rateOf('true_positive_rate', ref)),
      precision_disparity: quotient(rateOf('precision', c), rateOf('precision', ref)),
    };
  });
}
