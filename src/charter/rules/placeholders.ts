import type { CommandText, FlowSpec } from '../../config/types.js';
import type { PathSegment } from '../../config/yaml-source.js';
import { findingCollector, locateInString, type Finding, type RuleFamily } from '../finding.js';
import type { LoadedConfig } from '../../config/load.js';
import { CANARY_ANALYSIS_PLACEHOLDERS, COMMAND_PLACEHOLDERS } from '../../exec/placeholders.js';
import { parseWords } from '../../exec/words.js';

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

/**
 * A command string the runner would refuse (a shell operator, an unclosed quote, a line break),
 * found by the runner's own parser so the charter and the stage never disagree.
 */
function commandNeedsShell(
  loaded: LoadedConfig,
  command: CommandText,
  path: readonly PathSegment[],
  what: string,
): Finding[] {
  if (typeof command !== 'string') return [];
  const parsed = parseWords(command);
  if (!('problem' in parsed)) {
    if (parsed.words.length > 0) return [];
    return [
      {
        rule: 'command-needs-shell',
        severity: 'error',
        message: `${what} is empty: write the command to run`,
        location: loaded.source.locate(path),
      },
    ];
  }
  return [
    {
      rule: 'command-needs-shell',
      severity: 'error',
      message: `${what}: ${parsed.problem.message}`,
      location: locateInString(loaded, path, parsed.problem.offset, parsed.problem.text),
    },
  ];
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
        ...commandNeedsShell(loaded, command, ['flow', ...path], `flow.${path.join('.')}`),
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
