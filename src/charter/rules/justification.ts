import type { Justification } from '../../config/types.js';
import { findingCollector, type RuleFamily } from '../finding.js';

const QUESTIONS: readonly (readonly [keyof Justification, string])[] = [
  ['why_ml', 'why ML rather than a process change or hand-written rules'],
  ['alternatives', 'which alternatives were weighed'],
  ['problem_statement', 'the ML task in one sentence (inputs, output, horizon)'],
  ['data_known', 'whether the data is known to exist'],
  ['data_quality_reviewed', "whether the data's quality was reviewed"],
];

/**
 * What an IT director asks before funding an ML system. An unanswered question is a warning;
 * under `flow.enforce: strict` the project has chosen to stop on it. `false` is an answer that
 * admits a gap, so it counts as one.
 */
export const justification: RuleFamily = {
  id: 'justification',
  title: 'Justification',
  check({ loaded }) {
    const { findings, report } = findingCollector(loaded);
    const written = loaded.config.charter.justification;
    const severity = (loaded.config.flow?.enforce ?? 'strict') === 'strict' ? 'error' : 'warning';
    for (const [key, question] of QUESTIONS) {
      const answer = written?.[key];
      const empty =
        typeof answer === 'string' ? answer.trim() === '' : Array.isArray(answer) && answer.length === 0;
      if (answer === undefined) {
        report(
          'justification-gap',
          severity,
          `charter.justification.${key} is missing: say ${question}`,
          written ? ['charter', 'justification'] : ['charter'],
          'key',
        );
      } else if (answer === false) {
        report(
          'justification-gap',
          severity,
          `charter.justification.${key} is false: settle ${question} before building, then set it to true`,
          ['charter', 'justification', key],
        );
      } else if (empty) {
        report('justification-gap', severity, `charter.justification.${key} is empty: say ${question}`, [
          'charter',
          'justification',
          key,
        ]);
      }
    }
    return findings;
  },
};
