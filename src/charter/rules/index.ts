import type { Finding, RuleContext, RuleFamily } from '../finding.js';
import { canaryRollout } from './canary.js';
import { dataInventory } from './data.js';
import { estimates } from './estimates.js';
import { flowSections } from './flow-sections.js';
import { justification } from './justification.js';
import { manualGate } from './manual-gate.js';
import { metricAlignment } from './metric-alignment.js';
import { milestones } from './milestones.js';
import { projectPaths } from './paths.js';
import { commandPlaceholders } from './placeholders.js';
import { problemAndRoles } from './problem-and-roles.js';
import { regulations } from './regulations.js';
import { servingRequirements } from './serving.js';
import { openTodos } from './todo.js';
import { servingMode } from './serving-mode.js';

/** Every rule family, in the order the checklist shows them: the charter first, then the flow. */
export const RULE_FAMILIES: readonly RuleFamily[] = [
  problemAndRoles,
  metricAlignment,
  estimates,
  regulations,
  dataInventory,
  servingRequirements,
  servingMode,
  milestones,
  justification,
  commandPlaceholders,
  projectPaths,
  flowSections,
  canaryRollout,
  manualGate,
  openTodos,
];

/** What one family concluded: its findings, or why it could not judge. */
export interface FamilyOutcome {
  family: RuleFamily;
  findings: Finding[];
  skipped?: string;
}

/** Runs every family; families are independent, so the slow ones (lookups) run side by side. */
export async function runRules(
  context: RuleContext,
  families: readonly RuleFamily[] = RULE_FAMILIES,
): Promise<FamilyOutcome[]> {
  return Promise.all(
    families.map(async (family) => {
      const outcome = await family.check(context);
      return Array.isArray(outcome)
        ? { family, findings: outcome }
        : { family, findings: [], skipped: outcome.skipped };
    }),
  );
}

export type { Finding, RuleContext, RuleFamily } from '../finding.js';
