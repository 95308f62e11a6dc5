import type { RuleFamily } from '../finding.js';
import { charterBasics } from './charter-basics.js';
import { flowRules } from './flow.js';
import { dataRules, governanceRules } from './governance.js';
import { metricRules } from './metrics.js';
import { justificationRules, milestoneRules, requirementRules } from './requirements.js';

/** Every rule family, in the order the checklist shows them. */
export const RULE_FAMILIES: readonly RuleFamily[] = [
  charterBasics,
  metricRules,
  governanceRules,
  dataRules,
  requirementRules,
  milestoneRules,
  justificationRules,
  flowRules,
];
