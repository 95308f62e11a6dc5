import type { AlignmentCell, SourceLocation, Verdict } from '../core/result.js';

export type { AlignmentCell };
import type { StageName } from '../core/stages.js';

/**
 * The ports every stage talks to the outside world through. Two implementations exist: local
 * (files under `.mlops-flow/`, the terminal) and GitHub (Octokit, @actions/artifact,
 * @actions/core). Stages never reach past these interfaces.
 */

/** Facts about where and on what the flow runs. */
export interface RunContext {
  /** Absolute path of the repository checkout; every path a stage touches stays inside it. */
  workspace: string;
  commit: string;
  branch: string;
  /** The branch a pull request targets, or undefined on a push. */
  baseRef?: string;
  pullRequest?: number;
  runId: string;
  /** A link to this run's log, when there is one. */
  runUrl?: string;
  /** 'local' or 'github', for messages that tell people where to look. */
  platform: 'local' | 'github';
  /**
   * The environment user commands (training, predict, deploy) start from: a clean minimum
   * (PATH, HOME, locale), never the runner's secrets. mlops.yml may add variables.
   */
  commandEnvironment: Record<string, string>;
}

export interface CommentSection {
  stage: StageName;
  verdict: Verdict;
  /** The section body, markdown; the renderer adds the heading. */
  markdown: string;
  /** Cells for the header's alignment table (validate-charter seeds rows with goals). */
  alignment?: AlignmentCell[];
  updatedAt: string;
}

/** The sticky PR comment: each stage rewrites only its own section. */
export interface CommentPort {
  writeSection(section: CommentSection): Promise<CommentWriteResult>;
}

export interface CommentWriteResult {
  /** Where people can read the comment (a URL or a file path). */
  location: string;
  /** False when the report could not be written (a read-only token): reported, never fatal. */
  written: boolean;
  note?: string;
}

/** What a stage records when it finishes; later stages read these back to enforce the flow. */
export interface StageRecord {
  stage: StageName;
  verdict: Verdict;
  commit: string;
  charterDigest: string;
  modelDigest?: string;
  runId: string;
  time: string;
  summary: string;
}

export interface LedgerQuery {
  stage: StageName;
  commit: string;
  modelDigest?: string;
}

/** A finding pinned to lines of a file; GitHub shows it on the check run and the diff. */
export interface LedgerAnnotation {
  path: string;
  startLine: number;
  endLine?: number;
  startColumn?: number;
  endColumn?: number;
  level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
}

/** What a ledger may show beside the record (GitHub: the check run's summary and annotations). */
export interface LedgerDetails {
  /** The stage's markdown section; without it the record's summary is shown. */
  section?: string;
  annotations?: LedgerAnnotation[];
}

export interface LedgerPort {
  write(record: StageRecord, details?: LedgerDetails): Promise<void>;
  /** Records for a stage on a commit (and model digest, when given), newest first. */
  find(query: LedgerQuery): Promise<StageRecord[]>;
}

export interface StoredModel {
  name: string;
  modelDigest: string;
  commit: string;
  branch: string;
  storedAt: string;
  /** Listed but no longer downloadable (an Actions artifact past its retention). */
  expired?: boolean;
}

/** What a bundle is stored with: its model, the commit and branch it came from, how long to keep it. */
export interface StoreMeta {
  modelDigest: string;
  commit: string;
  branch: string;
  retentionDays: number;
}

/** `stored` is false when the name was stored already; `location` is where the bundle lies. */
export interface StoreOutcome {
  stored: boolean;
  location: string;
}

/** Long-term storage for model bundles, named by digest. */
export interface ArtifactPort {
  /** Stores files (paths relative to `root`) under `name`; a no-op when the name exists. */
  store(name: string, root: string, files: string[], meta: StoreMeta): Promise<StoreOutcome>;
  has(name: string): Promise<boolean>;
  /** Downloads a stored bundle into `destination`; returns the directory holding its files. */
  fetch(name: string, destination: string): Promise<string>;
  /** The newest model stored from a branch (other than `excluding`), for comparisons with the base. */
  latestOnBranch(
    branch: string,
    options?: { excluding?: string; includeExpired?: boolean },
  ): Promise<StoredModel | undefined>;
}

export type DeploymentState = 'queued' | 'in_progress' | 'success' | 'failure' | 'error' | 'inactive';

export interface DeploymentPort {
  create(request: {
    environment: string;
    ref: string;
    modelDigest: string;
    description: string;
  }): Promise<{ id: string }>;
  setStatus(
    id: string,
    state: DeploymentState,
    links?: { environmentUrl?: string; logUrl?: string; description?: string },
  ): Promise<void>;
}

export interface EnvironmentProtection {
  exists: boolean;
  requiredReviewers: string[];
  waitTimerMinutes: number;
  branchPolicy?: string;
}

export interface Approval {
  environment: string;
  user: string;
  time: string;
  comment: string;
  state: 'approved' | 'rejected';
}

export interface ApprovalPort {
  /** The environment's protection rules; undefined where the platform cannot know them (locally). */
  protection(environment: string): Promise<EnvironmentProtection | undefined>;
  approvals(environment: string): Promise<Approval[]>;
  /**
   * Approvals given by command, for plans without required reviewers: a `/approve <environment>`
   * comment on the pull request, or a `workflow_dispatch` run whose `approve` input names the
   * environment. Who gave them is GitHub's word; whether they may is the gate's to check.
   */
  commandApprovals?(environment: string): Promise<Approval[]>;
  /** Whether `user` is an active member of `@org/team` (false when GitHub says no or cannot say). */
  isTeamMember?(org: string, team: string, user: string): Promise<boolean>;
}

export interface SummaryPort {
  /** Appends markdown to the job summary (local: a report file). */
  append(markdown: string): Promise<{ location: string }>;
}

export interface AnnotationPort {
  error(message: string, location?: SourceLocation): void;
  warning(message: string, location?: SourceLocation): void;
  notice(message: string, location?: SourceLocation): void;
}

export interface OutputPort {
  set(name: string, value: string): void;
}

/** Progress for people: stderr locally, the step log (with groups) on GitHub. */
export interface LogPort {
  info(message: string): void;
  debug(message: string): void;
  group<T>(title: string, work: () => Promise<T>): Promise<T>;
}

/** Whether a GitHub handle (`@user`, `@org/team`) exists, as far as the token can see. */
export interface HandlePort {
  resolve(handle: string): Promise<'found' | 'missing' | 'unknown'>;
}

/** An issue the monitor keeps about one problem: opened once, updated while it lasts, closed after. */
export interface TrackedIssue {
  /** A stable key for the problem (e.g. `goal/precision`, `drift/income`): one open issue per key. */
  key: string;
  title: string;
  body: string;
}

export interface IssueOutcome {
  /** The issue's number where the platform numbers them. */
  number?: number;
  /** Where people can read it (a URL or a file). */
  location: string;
  action: 'opened' | 'updated' | 'closed' | 'none';
}

export interface IssuePort {
  /** Opens the issue for the key, or updates the open one (never a second). */
  upsert(issue: TrackedIssue): Promise<IssueOutcome>;
  /** Closes the open issue for the key with a last comment; `none` when there is none. */
  close(key: string, comment: string): Promise<IssueOutcome>;
}

/** Starts another workflow: a rebuild after the monitor saw a missed goal. */
export interface DispatchPort {
  dispatch(request: {
    /** A workflow file to run by workflow_dispatch, or an event type for repository_dispatch. */
    workflow?: string;
    eventType?: string;
    ref?: string;
    inputs: Record<string, string>;
  }): Promise<{ location: string }>;
}

export interface Platform {
  context: RunContext;
  comment: CommentPort;
  ledger: LedgerPort;
  artifacts: ArtifactPort;
  deployments: DeploymentPort;
  approvals: ApprovalPort;
  summary: SummaryPort;
  annotations: AnnotationPort;
  outputs: OutputPort;
  log: LogPort;
  /** Only where handles can be looked up (GitHub). */
  handles?: HandlePort;
  /** Issues about problems in production (the monitor). */
  issues?: IssuePort;
  /** Starting other workflows (the monitor's rebuild). */
  dispatch?: DispatchPort;
}
