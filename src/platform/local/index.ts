import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { cleanEnvironment } from '../../exec/run-command.js';
import type { Platform, RunContext } from '../ports.js';
import { LocalArtifactStore } from './artifacts.js';
import { LocalComment } from './comment.js';
import { LocalEnvironments } from './environments.js';
import { stateDirectory } from './files.js';
import { LocalDispatch, LocalIssues } from './issues.js';
import { LocalLedger } from './ledger.js';
import { CollectedOutputs, ReportFile, TerminalLog, type TextSink } from './terminal.js';

export interface LocalPlatform extends Platform {
  outputs: CollectedOutputs;
  environments: LocalEnvironments;
  comment: LocalComment;
  stateDirectory: string;
}

export interface LocalPlatformOptions {
  workspace: string;
  projectRoot: string;
  stderr: TextSink;
  verbose?: boolean;
  /** Overrides for tests; otherwise read from git. */
  context?: Partial<RunContext>;
}

const run = promisify(execFile);

async function git(args: string[], cwd: string): Promise<string | undefined> {
  try {
    const { stdout } = await run('git', args, { cwd, timeout: 10_000 });
    return stdout.trim();
  } catch {
    return undefined;
  }
}

/** Where and on what we run, from git when there is a repository. */
export async function localRunContext(workspace: string): Promise<RunContext> {
  const commit = (await git(['rev-parse', 'HEAD'], workspace)) ?? 'working-tree';
  const branch = (await git(['rev-parse', '--abbrev-ref', 'HEAD'], workspace)) ?? 'local';
  return {
    workspace,
    commit,
    branch,
    runId: `local-${new Date().toISOString().replace(/[:.]/g, '-')}`,
    platform: 'local',
    commandEnvironment: cleanEnvironment(process.env),
  };
}

export async function createLocalPlatform(options: LocalPlatformOptions): Promise<LocalPlatform> {
  const directory = stateDirectory(options.projectRoot);
  const context = { ...(await localRunContext(options.workspace)), ...options.context };
  const readSource = (file: string): string | undefined => {
    try {
      return readFileSync(path.resolve(options.workspace, file), 'utf8');
    } catch {
      return undefined;
    }
  };
  const terminal = new TerminalLog(options.stderr, options.verbose, readSource);
  const environments = new LocalEnvironments(directory);
  return {
    context,
    stateDirectory: directory,
    comment: new LocalComment(directory),
    ledger: new LocalLedger(directory),
    artifacts: new LocalArtifactStore(directory),
    deployments: environments,
    approvals: environments,
    environments,
    summary: new ReportFile(path.join(directory, 'reports', 'summary.md')),
    annotations: terminal,
    outputs: new CollectedOutputs(),
    log: terminal,
    issues: new LocalIssues(directory),
    dispatch: new LocalDispatch(directory),
  };
}
