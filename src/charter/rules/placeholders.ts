import type { CommandText, FlowSpec } from '../../config/types.js';
import type { PathSegment } from '../../config/yaml-source.js';
import { findingCollector, locateInString, type Finding, type RuleFamily } from '../finding.js';
import type { LoadedConfig } from '../../config/load.js';
import { CANARY_ANALYSIS_PLACEHOLDERS, COMMAND_PLACEHOLDERS } from '../../exec/placeholders.js';

/**
 * The placeholders each command or query may use: the values the stage running it knows. The
 * lists live with the commands (exec/placeholders.ts), where the stages read them too.
 */
export const ALLOWED_PLACEHOLDERS = COMMAND_PLACEHOLDERS;
const QUERY_PLACEHOLDERS = CANARY_ANALYSIS_PLACEHOLDERS;

/** Same grammar as exec/words.ts: PromQL label matchers such as `{code=~"5.."}` never match it. */
const PLACEHOLDER = /\{([a-z_]+)\}/g;

function valueAt(flow: FlowSpec, path: readonly string[]): unknown {
  return path.reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], flow);
}

/** Each placeholder written in a command, with where it is: a word list is searched word by word. */
function placeholders(
  command: CommandText,
  path: readonly PathSegment[],
): { name: string; path: PathSegment[]; offset: number }[] {
  const texts: [string, PathSegment[]][] = Array.isArray(command)
    ? command.map((word, index) => [word, [...path, index]])
    : [[command, [...path]]];
  return texts.flatMap(([text, at]) =>
    [...text.matchAll(PLACEHOLDER)].map((match) => ({
      name: match[1] as string,
      path: at,
      offset: match.index,
    })),
  );
}

function unknownPlaceholders(
  loaded: LoadedConfig,
  command: CommandText,
  path: readonly PathSegment[],
  allowed: readonly string[],
  what: string,
): Finding[] {
  const reported = new Set<string>();
  const findings: Finding[] = [];
  for (const found of placeholders(command, path)) {
    if (allowed.includes(found.name) || reported.has(found.name)) continue;
    reported.add(found.name);
    findings.push({
      rule: 'unknown-placeholder',
      severity: 'error',
      message: `{${found.name}} is not a placeholder ${what} can use: it may use ${allowed.map((a) => `{${a}}`).join(', ')}`,
      location: locateInString(loaded, found.path, found.offset, `{${found.name}}`),
    });
  }
  return findings;
}

export const commandPlaceholders: RuleFamily = {
  id: 'placeholders',
  title: 'Command placeholders',
  check({ loaded }) {
    const { findings } = findingCollector(loaded);
    const flow = loaded.config.flow ?? {};
    for (const { path, allowed } of ALLOWED_PLACEHOLDERS) {
      const command = valueAt(flow, path) as CommandText | undefined;
      if (command === undefined) continue;
      findings.push(
        ...unknownPlaceholders(loaded, command, ['flow', ...path], allowed, `flow.${path.join('.')}`),
      );
    }
    (flow.canary?.analysis?.metrics ?? []).forEach((metric, index) => {
      if (metric.query === undefined) return;
      const path = ['flow', 'canary', 'analysis', 'metrics', index, 'query'];
      findings.push(
        ...unknownPlaceholders(
          loaded,
          metric.query,
          path,
          QUERY_PLACEHOLDERS,
          `the canary query of ${metric.id}`,
        ),
      );
    });
    return findings;
  },
};
