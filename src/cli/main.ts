import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import path from 'node:path';
import { ConfigError, formatDiagnostic } from '../config/diagnostics.js';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import { gatePasses, type Check, type StageResult } from '../core/result.js';
import { STAGES, isStageName, type StageName } from '../core/stages.js';
import { ACTIONS } from '../entry/action-inputs.generated.js';
import type { InputReader } from '../entry/inputs.js';
import { STAGE_MODULES } from '../entry/modules/index.js';
import { isUserFixable, UserError } from '../flow/errors.js';
import { enforcementOf, isConfigured, resolveModelDigest, runStage } from '../flow/run-stage.js';
import { approvalCheck, evidenceTime } from '../stages/canary-promote/gate.js';
import type { StageContext } from '../stages/stage.js';
import { createLocalPlatform, type LocalPlatform } from '../platform/local/index.js';
import type { TextSink } from '../platform/local/terminal.js';
import { helpFor, mainHelp } from './help.js';
import { init } from './init.js';
import { isStandaloneFairness, standaloneFairness } from './standalone-fairness.js';
import { isStandaloneMonitor, standaloneMonitor } from './standalone-monitor.js';

export interface CliIo {
  stdout: TextSink;
  stderr: TextSink;
  cwd: string;
  version: string;
}

export const EXIT = { ok: 0, gateFailed: 1, badInput: 2 } as const;

/** Inputs that only make sense on GitHub and are not CLI flags. */
const ACTION_ONLY_INPUTS = new Set(['github-token', 'stage']);

/** The flags a stage command takes: its action inputs (same names), plus the CLI's own. */
function stageOptions(stage: StageName) {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    json: { type: 'boolean' },
    verbose: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  };
  for (const input of ACTIONS[stage]?.inputs ?? []) {
    if (ACTION_ONLY_INPUTS.has(input.name)) continue;
    // An input that defaults to true or false is a switch: `--force`, `--no-resolve-handles`.
    const isSwitch = input.default === 'true' || input.default === 'false';
    options[input.name] = { type: isSwitch ? 'boolean' : 'string' };
  }
  return options;
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    return reportError(error, io);
  }
}

async function dispatch(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.stdout.write(mainHelp());
    return command === undefined ? EXIT.badInput : EXIT.ok;
  }
  if (command === '--version' || command === '-v') {
    io.stdout.write(`${io.version}\n`);
    return EXIT.ok;
  }
  if (command === 'run') return runAll(rest, io);
  if (command === 'approve') return approve(rest, io);
  if (command === 'init') return init(rest, io);
  if (isStageName(command)) return runOne(command, rest, io);
  throw new UserError(`unknown command "${command}"`, 'run `mlops-flow --help` for the list of commands');
}

function parse(stage: StageName | 'run', argv: string[]) {
  const options =
    stage === 'run'
      ? {
          config: { type: 'string' as const },
          json: { type: 'boolean' as const },
          verbose: { type: 'boolean' as const },
          help: { type: 'boolean' as const, short: 'h' },
        }
      : stageOptions(stage);
  try {
    return parseArgs({ args: argv, options, allowPositionals: false, allowNegative: true, strict: true })
      .values as Record<string, string | boolean | undefined>;
  } catch (error) {
    throw new UserError(
      (error as Error).message.replace(/\. To specify.*$/s, ''),
      `run \`mlops-flow ${stage} --help\``,
    );
  }
}

function flagReader(values: Record<string, string | boolean | undefined>): InputReader {
  return {
    get(name) {
      const value = values[name];
      if (typeof value === 'boolean') return String(value);
      return value !== undefined && value !== '' ? value : undefined;
    },
  };
}

async function prepare(io: CliIo, values: Record<string, string | boolean | undefined>) {
  const workspace = io.cwd;
  const loaded = await loadConfig(workspace, typeof values.config === 'string' ? values.config : undefined);
  const platform = await createLocalPlatform({
    workspace,
    projectRoot: loaded.projectRoot,
    stderr: io.stderr,
    verbose: values.verbose === true,
  });
  return { loaded, platform };
}

async function runOne(stage: StageName, argv: string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(helpFor(stage));
    return EXIT.ok;
  }
  if (stage === 'fairness-report' && isStandaloneFairness(argv)) return standaloneFairness(argv, io);
  if (stage === 'monitor' && isStandaloneMonitor(argv)) return standaloneMonitor(argv, io);
  const values = parse(stage, argv);
  const load = STAGE_MODULES[stage];
  if (!load) throw new UserError(`${stage} is not available in mlops-flow ${io.version} yet`);
  const { loaded, platform } = await prepare(io, values);
  const result = await execute(stage, flagReader(values), loaded, platform, io);
  if (values.json === true) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  finish(platform, io);
  return gatePasses(result.verdict, enforcementOf(loaded.config)) ? EXIT.ok : EXIT.gateFailed;
}

async function execute(
  stage: StageName,
  reader: InputReader,
  loaded: LoadedConfig,
  platform: LocalPlatform,
  io: CliIo,
): Promise<StageResult> {
  const module = await (STAGE_MODULES[stage] as NonNullable<(typeof STAGE_MODULES)[StageName]>)();
  const settings = module.readSettings(reader);
  const modelDigest = module.usesModel ? reader.get('model-digest') : undefined;
  io.stderr.write(`▶ ${stage}\n`);
  const result = await runStage({
    definition: module.definition,
    loaded,
    settings,
    platform,
    ...(modelDigest ? { modelDigest } : {}),
  });
  io.stderr.write(`  ${result.verdict.toUpperCase()}: ${result.summary}\n`);
  return result;
}

/** Every configured stage that this version implements, in flow order, stopping at a failed gate. */
async function runAll(argv: string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(helpFor('run'));
    return EXIT.ok;
  }
  const values = parse('run', argv);
  const { loaded, platform } = await prepare(io, values);
  const enforce = enforcementOf(loaded.config);
  const results: StageResult[] = [];
  const configured = STAGES.filter((stage) => isConfigured(stage, loaded.config));
  let exit: number = EXIT.ok;
  for (const [index, stage] of configured.entries()) {
    io.stderr.write(`[${index + 1}/${configured.length}] `);
    if (!STAGE_MODULES[stage]) {
      io.stderr.write(`${stage}: not available in mlops-flow ${io.version} yet; skipped\n`);
      continue;
    }
    if (stage === 'canary-promote') {
      const waiting = await waitingForApproval(loaded, platform);
      if (waiting) {
        io.stderr.write(
          `canary-promote: waiting at the manual gate — ${waiting.observed}.\n` +
            `  ${waiting.detail ?? ''}\n  Then run \`mlops-flow canary-promote\`.\n`,
        );
        // For --json readers: the flow stopped here on purpose, nothing moved.
        results.push({
          stage,
          verdict: 'skip',
          summary: `waiting at the manual gate: ${waiting.observed}`,
          checks: [waiting],
          metrics: [],
          section: '',
          outputs: { decision: 'halted', 'final-weight': '0' },
        });
        break;
      }
    }
    const result = await execute(stage, flagReader({}), loaded, platform, io);
    results.push(result);
    if (!gatePasses(result.verdict, enforce)) {
      io.stderr.write(`Stopped: ${stage} failed its gate.\n`);
      exit = EXIT.gateFailed;
      break;
    }
  }
  if (values.json === true) io.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  finish(platform, io);
  return exit;
}

/**
 * `run` stops before canary-promote, successfully, when nobody has approved the canary's
 * environment since the deploy-test results: the flow is waiting for a person, as it does on
 * GitHub, and that is not a failure. canary-promote run on its own still refuses to move traffic.
 */
async function waitingForApproval(loaded: LoadedConfig, platform: LocalPlatform): Promise<Check | undefined> {
  const enforce = enforcementOf(loaded.config);
  if (enforce !== 'strict') return undefined;
  const environment = loaded.config.flow?.canary?.environment ?? 'production';
  const modelDigest = await resolveModelDigest(platform);
  const context: StageContext<unknown> = {
    loaded,
    platform,
    settings: {},
    now: () => new Date(),
    ...(modelDigest ? { modelDigest } : {}),
  };
  const check = await approvalCheck(platform, environment, enforce, await evidenceTime(context));
  return check.verdict === 'pass' ? undefined : check;
}

async function approve(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        config: { type: 'string' },
        comment: { type: 'string' },
        reject: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
    });
  } catch (error) {
    throw new UserError(
      (error as Error).message.replace(/\. To specify.*$/s, ''),
      'run `mlops-flow approve --help`',
    );
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(helpFor('approve'));
    return EXIT.ok;
  }
  const environment = positionals[0];
  if (!environment || positionals.length > 1)
    throw new UserError('approve takes one environment name', 'mlops-flow approve production');
  const { loaded, platform } = await prepare(io, values);
  const known = [
    loaded.config.flow?.canary?.environment,
    loaded.config.flow?.deploy_test?.environment,
  ].filter((name): name is string => Boolean(name));
  if (!known.includes(environment)) {
    throw new UserError(
      `mlops.yml names no environment "${environment}"`,
      known.length > 0 ? `the environments it names: ${known.join(', ')}` : 'set flow.canary.environment',
    );
  }
  const user = gitUser(loaded.projectRoot) ?? process.env.USER ?? process.env.USERNAME ?? 'local-user';
  await platform.environments.approve({
    environment,
    user,
    time: new Date().toISOString(),
    comment: values.comment ?? '',
    state: values.reject ? 'rejected' : 'approved',
  });
  io.stderr.write(
    `Recorded ${user}'s ${values.reject ? 'rejection' : 'approval'} of ${environment} in ${path.join(platform.stateDirectory, 'approvals.jsonl')}\n`,
  );
  return EXIT.ok;
}

/** Who approves locally: the git identity of the checkout, as a commit would name them. */
function gitUser(directory: string): string | undefined {
  const name = spawnSync('git', ['config', 'user.name'], { cwd: directory, encoding: 'utf8' });
  return name.status === 0 && name.stdout.trim() ? name.stdout.trim() : undefined;
}

/** Tells people where to read the results. */
function finish(platform: LocalPlatform, io: CliIo): void {
  const relative = (file: string) => path.relative(io.cwd, file) || '.';
  io.stderr.write(
    `\nPR comment: ${relative(path.join(platform.stateDirectory, 'comment.md'))}\n` +
      `Reports:    ${relative(path.join(platform.stateDirectory, 'reports'))}\n`,
  );
}

function reportError(error: unknown, io: CliIo): number {
  if (error instanceof ConfigError) {
    for (const diagnostic of error.diagnostics)
      io.stderr.write(`${formatDiagnostic(diagnostic, error.sourceText)}\n`);
    const count = error.diagnostics.filter((d) => d.severity === 'error').length;
    io.stderr.write(
      `${count} error${count === 1 ? '' : 's'} in ${error.diagnostics[0]?.location.file ?? 'mlops.yml'}\n`,
    );
    return EXIT.badInput;
  }
  if (isUserFixable(error)) {
    io.stderr.write(`error: ${error.message}\n`);
    if (error instanceof UserError && error.hint) io.stderr.write(`hint: ${error.hint}\n`);
    return EXIT.badInput;
  }
  io.stderr.write(`internal error (please report it): ${(error as Error)?.stack ?? String(error)}\n`);
  return 3;
}
