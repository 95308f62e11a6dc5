import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { canonicalJson, sha256 } from '../core/digest.js';
import { ConfigError, type ConfigDiagnostic } from './diagnostics.js';
import { ExpressionSyntaxError, parseExpression } from './expression.js';
import { GoalSyntaxError, parseGoal } from './goal.js';
import { validateAgainstSchema } from './schema-validation.js';
import type { Config } from './types.js';
import {
  MAX_CONFIG_BYTES,
  parseYamlSource,
  tooLarge,
  type PathSegment,
  type YamlSource,
} from './yaml-source.js';

export const DEFAULT_CONFIG_PATH = 'mlops.yml';
const FALLBACK_CONFIG_PATH = '.github/mlops.yml';

/** A validated mlops.yml and everything needed to point back into it. */
export interface LoadedConfig {
  config: Config;
  /** Absolute path of the file. */
  path: string;
  /** The file as named in messages and annotations: relative to the workspace. */
  file: string;
  /**
   * Where the config's relative paths start: the directory holding mlops.yml, or the
   * repository root when the file lives in `.github/`.
   */
  projectRoot: string;
  source: YamlSource;
  /** sha256 of the normalised config: stable under reformatting and key order. */
  digest: string;
}

/**
 * Finds the config: the path given, or by default `mlops.yml` and then `.github/mlops.yml`.
 * Paths must stay inside the workspace.
 */
export async function resolveConfigPath(
  workspace: string,
  requested: string = DEFAULT_CONFIG_PATH,
): Promise<string> {
  const candidates =
    requested === DEFAULT_CONFIG_PATH ? [DEFAULT_CONFIG_PATH, FALLBACK_CONFIG_PATH] : [requested];
  for (const candidate of candidates) {
    const absolute = path.resolve(workspace, candidate);
    const relative = path.relative(workspace, absolute);
    if (relative.startsWith('..') || path.isAbsolute(relative)) {
      throw configProblem(
        requested,
        `the config path "${requested}" leaves the workspace ${workspace}`,
        'outside-workspace',
      );
    }
    const info = await stat(absolute).catch(() => undefined);
    if (info?.isFile()) return absolute;
  }
  const tried = candidates.map((c) => `"${c}"`).join(' or ');
  throw configProblem(
    requested,
    `no config found at ${tried} in ${workspace}: create mlops.yml (see the README's example) or pass its path`,
    'not-found',
  );
}

export async function loadConfig(workspace: string, requested?: string): Promise<LoadedConfig> {
  const absolute = await resolveConfigPath(workspace, requested);
  const file = path.relative(workspace, absolute).split(path.sep).join('/');
  const bytes = await readCapped(absolute, file);
  return loadConfigText(file, bytes, { path: absolute, workspace });
}

/** Checks the size first, so a 50 MB file is refused without reading it. */
async function readCapped(absolute: string, file: string): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(absolute, 'r');
    const { size } = await handle.stat();
    if (size > MAX_CONFIG_BYTES) throw tooLarge(file, size);
    const buffer = new Uint8Array(size);
    await handle.read(buffer, 0, size, 0);
    return buffer;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw configProblem(file, `cannot read ${file}: ${(error as Error).message}`, 'unreadable');
  } finally {
    await handle?.close();
  }
}

/** Parses and validates config text; `file` is the name used in messages. */
export function loadConfigText(
  file: string,
  bytes: Uint8Array | string,
  where: { path?: string; workspace?: string } = {},
): LoadedConfig {
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  const source = parseYamlSource(file, data);
  const schemaProblems = validateAgainstSchema(source);
  // Expression errors are reported alongside schema errors, so one run shows everything.
  const expressionProblems = checkEstimates(source.data, source);
  if (schemaProblems.length + expressionProblems.length > 0) {
    throw new ConfigError(sortByLocation([...schemaProblems, ...expressionProblems]), source.text);
  }
  const config = source.data as Config;
  const goalProblems = checkGoals(config, source);
  if (goalProblems.length > 0) throw new ConfigError(goalProblems, source.text);

  const workspace = where.workspace ?? process.cwd();
  const absolute = where.path ?? path.resolve(workspace, file);
  const directory = path.dirname(absolute);
  const projectRoot = path.basename(directory) === '.github' ? path.dirname(directory) : directory;
  return { config, path: absolute, file, projectRoot, source, digest: sha256(canonicalJson(config)) };
}

/**
 * Goals have a grammar of their own: the schema checks their outline, this parses them for
 * real (the schema's pattern and parseGoal must agree; this catches any drift).
 */
function checkGoals(config: Config, source: YamlSource): ConfigDiagnostic[] {
  const problems: ConfigDiagnostic[] = [];
  const check = (goalPath: PathSegment[], text: unknown, metricId: string): void => {
    if (text === undefined) return;
    try {
      parseGoal(text as string | number, metricId);
    } catch (error) {
      if (!(error instanceof GoalSyntaxError)) throw error;
      problems.push({
        severity: 'error',
        rule: 'bad-goal',
        message: error.message,
        location: source.locate(goalPath),
      });
    }
  };
  const metrics = config.charter.metrics ?? {};
  for (const level of ['model', 'domain', 'business'] as const) {
    (metrics[level] ?? []).forEach((metric, index) =>
      check(['charter', 'metrics', level, index, 'goal'], metric.goal, metric.id),
    );
  }
  for (const [name, text] of Object.entries(config.flow?.fairness?.goals ?? {})) {
    check(['flow', 'fairness', 'goals', name], text, name);
  }
  for (const [name, text] of Object.entries(config.flow?.deploy_test?.goals ?? {})) {
    check(['flow', 'deploy_test', 'goals', name], text, name);
  }
  return problems;
}

/**
 * Parses every `estimate` expression, pointing errors at the character inside the string.
 * Runs on data the schema may have rejected, so it checks each value's type itself.
 */
function checkEstimates(data: unknown, source: YamlSource): ConfigDiagnostic[] {
  const problems: ConfigDiagnostic[] = [];
  const metrics = (data as { charter?: { metrics?: Record<string, unknown> } } | null)?.charter?.metrics;
  if (!metrics || typeof metrics !== 'object') return problems;
  for (const level of ['domain', 'business']) {
    const list = metrics[level];
    if (!Array.isArray(list)) continue;
    list.forEach((metric: unknown, index) => {
      const estimate = (metric as { estimate?: unknown } | null)?.estimate;
      if (typeof estimate !== 'string') return;
      try {
        parseExpression(estimate);
      } catch (error) {
        if (!(error instanceof ExpressionSyntaxError)) throw error;
        const expressionPath = ['charter', 'metrics', level, index, 'estimate'];
        const start = source.scalarStart(expressionPath);
        const sameLine = start && !estimate.slice(0, error.offset).includes('\n');
        const location =
          start && sameLine
            ? { ...start.location, column: start.location.column + error.offset }
            : source.locate(expressionPath);
        const id = (metric as { id?: unknown }).id;
        problems.push({
          severity: 'error',
          rule: 'bad-expression',
          message: `estimate${typeof id === 'string' ? ` of ${id}` : ''}: ${error.message}`,
          location,
        });
      }
    });
  }
  return problems;
}

function sortByLocation(diagnostics: ConfigDiagnostic[]): ConfigDiagnostic[] {
  return diagnostics.sort(
    (a, b) => a.location.line - b.location.line || a.location.column - b.location.column,
  );
}

function configProblem(file: string, message: string, rule: string): ConfigError {
  return new ConfigError([{ severity: 'error', rule, message, location: { file, line: 1, column: 1 } }]);
}
