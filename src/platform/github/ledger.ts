import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { STAGE_TITLES } from '../../core/stages.js';
import type {
  LedgerAnnotation,
  LedgerDetails,
  LedgerPort,
  LedgerQuery,
  RunContext,
  StageRecord,
} from '../ports.js';
import {
  CHECK_OUTPUT_LIMIT,
  CONCLUSIONS,
  STATUS_STATES,
  capText,
  checkName,
  isRecord,
  parseRecordText,
  parseStatus,
  recordText,
  statusDescription,
} from './ledger-record.js';
import { sameLogin, type IdentityLookup } from './identity.js';
import { messageOf, statusOf, type ClientLog, type GitHubClient } from './octokit.js';
import type { Repository } from './repository.js';

/** The Checks API takes at most this many annotations per request. */
export const ANNOTATIONS_PER_REQUEST = 50;

/**
 * The ledger on GitHub: one check run `mlops-flow/<stage>` per record on the commit, so branch
 * protection can require it. Its summary is the stage's section, its annotations the located
 * findings, and its text carries the record for later jobs. A token without `checks: write`
 * (403) records a commit status instead, with the record packed into its description.
 *
 * Anyone who can write to the repository (or any other GitHub App installed on it) can create a
 * check run or a status named `mlops-flow/<stage>`, with any record in it. So `find` believes
 * only what this token's identity wrote: check runs created by our GitHub App (the Actions
 * GITHUB_TOKEN's is `github-actions`) and statuses whose creator is our login; and no record
 * dated in the future beyond a small clock skew (a status's date may not be after GitHub
 * stored it), since "newest first" would otherwise let it outrank every real one.
 */
export interface GitHubLedgerOptions {
  client: GitHubClient;
  repository: Repository;
  context: Pick<RunContext, 'runUrl'>;
  log: ClientLog;
  /**
   * Where a commit's checks show. On a pull_request event GITHUB_SHA is the test merge commit,
   * which the pull request's page and branch protection never look at: its check runs belong on
   * the head commit. Records keep the commit the stages saw; only the check run moves.
   */
  checksShaFor?: (commit: string) => string;
  /** Who this token writes as (`github-actions[bot]`, `<app-slug>[bot]` or a person's login). */
  identity: IdentityLookup;
  /** Injected for tests: the clock records are checked against. */
  now?: () => number;
  /**
   * Where records go that GitHub refuses to keep (a fork's or Dependabot's pull request runs
   * with a read-only token): a file in the job's own temporary folder (RUNNER_TEMP), so the
   * later stages of the same job still find the records of this run and check their
   * prerequisites on the merits. Nothing outside the job can write there.
   */
  jobRecordsFile?: string;
}

/** How far ahead of our clock a record's time may be (runners' clocks differ a little). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

interface CheckRunListing {
  head_sha: string;
  app?: { slug?: string } | null;
  output: { text?: string | null };
}

interface StatusListing {
  context: string;
  description?: string | null;
  created_at: string;
  creator?: { login: string } | null;
}

/** The GitHub App a bot login belongs to: `github-actions[bot]` → `github-actions`. */
function appSlugOf(login: string): string | undefined {
  return /^(.+)\[bot\]$/i.exec(login)?.[1]?.toLowerCase();
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  return batches;
}

function toGitHubAnnotation(annotation: LedgerAnnotation) {
  const endLine = annotation.endLine ?? annotation.startLine;
  // GitHub accepts columns only when the annotation stays on one line.
  const columns =
    endLine === annotation.startLine && annotation.startColumn !== undefined
      ? {
          start_column: annotation.startColumn,
          end_column: annotation.endColumn ?? annotation.startColumn,
        }
      : {};
  return {
    path: annotation.path,
    start_line: annotation.startLine,
    end_line: endLine,
    ...columns,
    annotation_level: annotation.level,
    message: annotation.message,
    ...(annotation.title ? { title: annotation.title } : {}),
  };
}

export { annotationsFromChecks } from '../../core/annotations.js';

export class GitHubLedger implements LedgerPort {
  private readonly shaFor: (commit: string) => string;
  private readonly now: () => number;
  /** Apps GitHub named as the creator of check runs we created (the identity may have guessed). */
  private readonly ownApps = new Set<string>();

  constructor(private readonly options: GitHubLedgerOptions) {
    this.shaFor = options.checksShaFor ?? ((commit) => commit);
    this.now = options.now ?? Date.now;
  }

  async write(record: StageRecord, details: LedgerDetails = {}): Promise<void> {
    try {
      await this.writeCheckRun(record, details);
      return;
    } catch (error) {
      if (statusOf(error) !== 403) throw error;
      this.options.log.debug(`no check run for ${record.stage} (${messageOf(error)}); using a commit status`);
    }
    try {
      await this.writeStatus(record);
    } catch (error) {
      if (statusOf(error) !== 403) throw error;
      // A read-only token (a fork's pull request): the verdict stands, the record stays in the job.
      const kept = this.keepInJob(record);
      this.options.log.warning(
        `Could not record ${record.stage} on ${record.commit}: the token has neither checks: write nor statuses: write (${messageOf(error)}). ${kept ? "The record is kept for this job's later stages; other jobs will not see it." : "Later jobs will not see this stage's record."}`,
      );
    }
  }

  async find(query: LedgerQuery): Promise<StageRecord[]> {
    const [fromChecks, fromStatuses] = await Promise.all([
      this.fromCheckRuns(query),
      this.fromStatuses(query),
    ]);
    const latest = this.now() + MAX_CLOCK_SKEW_MS;
    return [...fromChecks, ...fromStatuses, ...this.keptInJob()]
      .filter((record) => record.stage === query.stage && record.commit === query.commit)
      .filter((record) => Date.parse(record.time) <= latest)
      .filter((record) => query.modelDigest === undefined || record.modelDigest === query.modelDigest)
      .sort((a, b) => Date.parse(b.time) - Date.parse(a.time));
  }

  /** Appends the record to the job's records file; false when there is none or it cannot be written. */
  private keepInJob(record: StageRecord): boolean {
    const file = this.options.jobRecordsFile;
    if (!file) return false;
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      appendFileSync(file, `${JSON.stringify(record)}\n`, { mode: 0o600 });
      return true;
    } catch (error) {
      this.options.log.debug(`cannot keep the ${record.stage} record in ${file}: ${messageOf(error)}`);
      return false;
    }
  }

  /** The records this job kept because GitHub refused them; a damaged line is skipped. */
  private keptInJob(): StageRecord[] {
    const file = this.options.jobRecordsFile;
    if (!file || !existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line) => {
        if (!line.trim()) return [];
        try {
          const record: unknown = JSON.parse(line);
          return isRecord(record) ? [record] : [];
        } catch {
          return [];
        }
      });
  }

  private async writeCheckRun(record: StageRecord, details: LedgerDetails): Promise<void> {
    const { client, repository, context } = this.options;
    const title = capText(`${STAGE_TITLES[record.stage]}: ${record.verdict} — ${record.summary}`, 200, '…');
    const summary = capText(
      details.section ?? record.summary,
      CHECK_OUTPUT_LIMIT,
      `_Cut at GitHub's limit: the full section is in ${context.runUrl ? `[the job summary](${context.runUrl})` : 'the job summary'}._`,
    );
    const text = recordText(record);
    const batches = chunks((details.annotations ?? []).map(toGitHubAnnotation), ANNOTATIONS_PER_REQUEST);
    const created = await client.rest.checks.create({
      ...repository,
      name: checkName(record.stage),
      head_sha: this.shaFor(record.commit),
      status: 'completed',
      conclusion: CONCLUSIONS[record.verdict],
      completed_at: record.time,
      external_id: record.runId,
      // Kept for App and personal tokens; for check runs made with the Actions GITHUB_TOKEN GitHub
      // ignores it and links the check run to the workflow run itself.
      ...(context.runUrl ? { details_url: context.runUrl } : {}),
      output: { title, summary, text, ...(batches[0] ? { annotations: batches[0] } : {}) },
    });
    const app = created.data.app?.slug;
    if (app) this.ownApps.add(app.toLowerCase());
    // Further annotations go in updates, 50 at a time; GitHub appends them.
    for (const batch of batches.slice(1)) {
      await client.rest.checks.update({
        ...repository,
        check_run_id: created.data.id,
        output: { title, summary, annotations: batch },
      });
    }
  }

  private async writeStatus(record: StageRecord): Promise<void> {
    const { client, repository, context, log } = this.options;
    const description = statusDescription(record);
    if (!description)
      log.warning(`The ${record.stage} record does not fit a commit status; later jobs will not see it.`);
    await client.rest.repos.createCommitStatus({
      ...repository,
      sha: this.shaFor(record.commit),
      state: STATUS_STATES[record.verdict],
      context: checkName(record.stage),
      description: description ?? `${record.verdict}: see the run`,
      ...(context.runUrl ? { target_url: context.runUrl } : {}),
    });
  }

  /** The GitHub Apps whose check runs are ours: the identity's, and any we saw ourselves create. */
  private async ourApps(): Promise<Set<string>> {
    const apps = new Set(this.ownApps);
    const fromIdentity = appSlugOf(await this.options.identity());
    if (fromIdentity) apps.add(fromIdentity);
    return apps;
  }

  private async fromCheckRuns(query: LedgerQuery): Promise<StageRecord[]> {
    const { client, repository } = this.options;
    const apps = await this.ourApps();
    try {
      const runs: CheckRunListing[] = await client.paginate(client.rest.checks.listForRef, {
        ...repository,
        ref: this.shaFor(query.commit),
        check_name: checkName(query.stage),
        filter: 'all',
        per_page: 100,
      });
      return runs.flatMap((run) => {
        const app = run.app?.slug?.toLowerCase();
        if (!app || !apps.has(app)) return []; // another app's (or a person's) check run
        const record = parseRecordText(run.output.text);
        return record && this.shaFor(record.commit) === run.head_sha ? [record] : [];
      });
    } catch (error) {
      if (statusOf(error) !== 403) throw error;
      return []; // no checks: read — the statuses may still hold the records
    }
  }

  private async fromStatuses(query: LedgerQuery): Promise<StageRecord[]> {
    const { client, repository } = this.options;
    const login = await this.options.identity();
    try {
      const statuses: StatusListing[] = await client.paginate(client.rest.repos.listCommitStatusesForRef, {
        ...repository,
        ref: this.shaFor(query.commit),
        per_page: 100,
      });
      return statuses
        .filter((status) => status.context === checkName(query.stage))
        .filter((status) => sameLogin(status.creator?.login, login))
        .flatMap((status) => {
          const record = parseStatus(status.context, status.description, query.commit, status.created_at);
          // GitHub dates the status when it stores it: a record dated later than that is forged.
          const stored = Date.parse(status.created_at) + MAX_CLOCK_SKEW_MS;
          return record && Date.parse(record.time) <= stored ? [record] : [];
        });
    } catch (error) {
      if (statusOf(error) !== 403) throw error;
      return [];
    }
  }
}
