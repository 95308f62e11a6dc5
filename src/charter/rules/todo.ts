import type { PathSegment } from '../../config/yaml-source.js';
import { findingCollector, type RuleFamily } from '../finding.js';

/**
 * A value still saying TODO (what `mlops-flow init` leaves where only the team can answer) is a
 * warning at its line: the charter validates, and nobody forgets what is left to write.
 */
export const openTodos: RuleFamily = {
  id: 'todo',
  title: 'Nothing left to fill in',
  check({ loaded }) {
    const { findings, report } = findingCollector(loaded);
    const visit = (value: unknown, path: PathSegment[]) => {
      if (typeof value === 'string') {
        if (/\bTODO\b/.test(value)) {
          report('todo', 'warning', `still to fill in: ${JSON.stringify(value.slice(0, 80))}`, path);
        }
      } else if (Array.isArray(value)) {
        value.forEach((item, index) => visit(item, [...path, index]));
      } else if (value !== null && typeof value === 'object') {
        for (const [key, item] of Object.entries(value)) visit(item, [...path, key]);
      }
    };
    visit(loaded.config, []);
    return findings;
  },
};
