import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { COMMENT_LIMIT } from '../../report/comment.js';
import type { CommentPort, CommentSection, CommentWriteResult, RunContext } from '../ports.js';
import { composeBody, holdsSection, isOurBody, mergeSections, readSections } from './comment-body.js';
import { sameLogin, type IdentityLookup } from './identity.js';
import { messageOf, statusOf, type ClientLog, type GitHubClient } from './octokit.js';
import type { Repository } from './repository.js';

/**
 * The sticky pull-request comment. One comment per pull request, found by its marker AND its
 * author (ours), so a marker planted in anyone else's comment is ignored. Each stage replaces
 * only its own section.
 *
 * GitHub has no conditional update for comments, so parallel jobs converge instead of locking:
 * read, merge every section found in any of our comments, write, wait for listings to settle,
 * then verify that exactly one comment of ours holds our section; otherwise repeat with jitter.
 * Duplicates (two jobs that both found none and created one) collapse into the oldest, after
 * their sections are merged into it. A reporting problem is a warning and `written: false`;
 * it never throws, because the report must not fail the gate.
 */

export interface CommentTiming {
  /**
   * How long to wait after writing before verifying. It must exceed the time GitHub's listing
   * takes to show a new comment plus one request, so that any job that read before our write
   * has written before we check.
   */
  settleMs: number;
  /** Extra random wait before a retry, up to this much (times the attempt). */
  jitterMs: number;
  attempts: number;
}

export const GITHUB_TIMING: CommentTiming = { settleMs: 2_000, jitterMs: 1_000, attempts: 8 };

export interface GitHubCommentOptions {
  client: GitHubClient;
  repository: Repository;
  context: Pick<RunContext, 'pullRequest' | 'commit' | 'runUrl'>;
  identity: IdentityLookup;
  log: ClientLog;
  /** On a push (no pull request), also leave the section as a comment on the commit. */
  commitComment?: boolean;
  timing?: Partial<CommentTiming>;
  /**
   * Where the comment goes when the token may not write it (a fork's or Dependabot's pull
   * request): the folder the workflow uploads as the `mlops-flow-pr-comment` artifact, from
   * which the companion workflow (docs/workflows/mlops-comment.yml) posts it with the base
   * repository's token.
   */
  pendingDirectory?: string;
  /** Injected for tests. */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

interface IssueComment {
  id: number;
  body?: string | null;
  html_url: string;
  user: { login: string } | null;
}

const sleepFor = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function isBodyTooLong(error: unknown): boolean {
  return statusOf(error) === 422 && /too long/i.test(messageOf(error));
}

class CommentGone extends Error {}

export class GitHubComment implements CommentPort {
  private readonly timing: CommentTiming;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** Comments this writer created: listings may not show them yet (eventual consistency). */
  private readonly created = new Set<number>();

  constructor(private readonly options: GitHubCommentOptions) {
    this.timing = { ...GITHUB_TIMING, ...options.timing };
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? sleepFor;
  }

  async writeSection(section: CommentSection): Promise<CommentWriteResult> {
    const { pullRequest } = this.options.context;
    if (pullRequest === undefined) return this.onPush(section);
    try {
      return await this.upsert(pullRequest, section);
    } catch (error) {
      const result = this.failed(pullRequest, error);
      if (statusOf(error) !== 403 || !this.options.pendingDirectory) return result;
      const file = await this.leaveForCompanion(pullRequest, section);
      return {
        ...result,
        note: `${result.note} The comment is left in ${file} for the companion workflow to post.`,
      };
    }
  }

  /**
   * Writes this job's sections and the body they make (as the sticky comment would hold it)
   * into the pending folder, with the pull request and head commit they belong to.
   */
  private async leaveForCompanion(pullRequest: number, section: CommentSection): Promise<string> {
    const directory = this.options.pendingDirectory as string;
    const sectionsDirectory = path.join(directory, 'comment');
    await mkdir(sectionsDirectory, { recursive: true });
    await writeFile(path.join(sectionsDirectory, `${section.stage}.json`), JSON.stringify(section));
    const sections: CommentSection[] = [];
    for (const name of (await readdir(sectionsDirectory)).filter((n) => n.endsWith('.json')).sort()) {
      sections.push(JSON.parse(await readFile(path.join(sectionsDirectory, name), 'utf8')) as CommentSection);
    }
    const { body } = composeBody(
      mergeSections(sections, section),
      this.options.context.runUrl ? { summaryUrl: this.options.context.runUrl } : {},
    );
    const file = path.join(directory, 'comment.md');
    await writeFile(file, body);
    await writeFile(
      path.join(directory, 'pull-request.json'),
      JSON.stringify({ number: pullRequest, commit: this.options.context.commit }),
    );
    return file;
  }

  private failed(pullRequest: number, error: unknown): CommentWriteResult {
    const status = statusOf(error);
    const location = `pull request #${pullRequest}`;
    const message = messageOf(error);
    const note =
      status === 403 && /not accessible by integration/i.test(message)
        ? `The token cannot write to ${location} (${message}); a pull request from a fork gets a read-only token. The report is in the job summary.`
        : status === 403 && /locked/i.test(message)
          ? `The conversation on ${location} is locked (${message}); the report is in the job summary.`
          : status === 404
            ? `${location} was not found in ${this.options.repository.owner}/${this.options.repository.repo}; the report is in the job summary.`
            : `Could not update the comment on ${location}: ${message}. The report is in the job summary.`;
    this.options.log.warning(note);
    return { location, written: false, note };
  }

  private async onPush(section: CommentSection): Promise<CommentWriteResult> {
    const note = 'No pull request: the report goes to the job summary.';
    if (!this.options.commitComment) return { location: 'job summary', written: false, note };
    const { client, repository, context } = this.options;
    try {
      const response = await client.rest.repos.createCommitComment({
        ...repository,
        commit_sha: context.commit,
        body: composeBody([section], { summaryUrl: context.runUrl }).body,
      });
      return { location: response.data.html_url, written: false, note: `${note} Also left on the commit.` };
    } catch (error) {
      const warning = `Could not comment on commit ${context.commit}: ${messageOf(error)}.`;
      this.options.log.warning(warning);
      return { location: 'job summary', written: false, note: `${note} ${warning}` };
    }
  }

  private async upsert(pullRequest: number, section: CommentSection): Promise<CommentWriteResult> {
    const { log } = this.options;
    let login = await this.options.identity();
    let limit: number | undefined;
    let lastCut: string[];
    for (let attempt = 1; attempt <= this.timing.attempts; attempt += 1) {
      if (attempt > 1) await this.sleep(this.random() * this.timing.jitterMs * attempt);
      try {
        const pass = await this.writeOnce(pullRequest, login, section, limit);
        lastCut = pass.cut;
        if (pass.author && !sameLogin(pass.author, login)) {
          // The token could not say who it is and guessed wrong (another GitHub App's bot):
          // GitHub just told us. From now on our comments are this author's.
          log.debug(`comments by this token are authored by ${pass.author}`);
          login = pass.author;
        }
      } catch (error) {
        if (isBodyTooLong(error)) {
          // GitHub counts differently than we do (or lowered its limit): cut deeper and retry.
          limit = Math.floor((limit ?? COMMENT_LIMIT) * 0.9);
          log.debug(`comment body too long for GitHub; retrying within ${limit} characters`);
          continue;
        }
        if (error instanceof CommentGone) continue;
        throw error;
      }
      await this.sleep(this.timing.settleMs);
      const ours = await this.ourComments(pullRequest, login);
      const keeper = ours[0];
      if (ours.length === 1 && keeper && holdsSection(keeper.body ?? '', section)) {
        const note = lastCut.length > 0 ? `Cut to fit GitHub's limit: ${lastCut.join(', ')}.` : undefined;
        return { location: keeper.html_url, written: true, ...(note ? { note } : {}) };
      }
      log.debug(
        `PR comment not settled after attempt ${attempt}: ${ours.length} comment(s) of ours, section ${
          keeper && holdsSection(keeper.body ?? '', section) ? 'present' : 'missing'
        }`,
      );
    }
    const ours = await this.ourComments(pullRequest, login);
    const keeper = ours[0];
    if (keeper && holdsSection(keeper.body ?? '', section)) {
      const note = `The section is written, but ${ours.length - 1} duplicate comment(s) remain after ${this.timing.attempts} attempts.`;
      log.warning(note);
      return { location: keeper.html_url, written: true, note };
    }
    const note = `The PR comment did not settle after ${this.timing.attempts} attempts; the report is in the job summary.`;
    log.warning(note);
    return { location: `pull request #${pullRequest}`, written: false, note };
  }

  /** One read-merge-write pass: the stages that had to be cut, and who a new comment's author is. */
  private async writeOnce(
    pullRequest: number,
    login: string,
    section: CommentSection,
    limit: number | undefined,
  ): Promise<{ cut: string[]; author?: string }> {
    const { client, repository, context } = this.options;
    const compose = (sections: CommentSection[]) =>
      composeBody(sections, { summaryUrl: context.runUrl, ...(limit ? { limit } : {}) });
    const ours = await this.ourComments(pullRequest, login);
    const [oldest, ...duplicates] = ours;
    if (!oldest) {
      const { body, cut } = compose([section]);
      const response = await client.rest.issues.createComment({
        ...repository,
        issue_number: pullRequest,
        body,
      });
      this.created.add(response.data.id);
      return { cut, ...(response.data.user ? { author: response.data.user.login } : {}) };
    }
    // The listing may lag behind; read the comment we are about to replace directly.
    const fresh = await this.getComment(oldest.id);
    if (!fresh) throw new CommentGone();
    const found = [fresh, ...duplicates].flatMap((comment) => readSections(comment.body ?? ''));
    const { body, cut } = compose(mergeSections(found, section));
    if (body !== fresh.body) {
      await client.rest.issues
        .updateComment({ ...repository, comment_id: oldest.id, body })
        .catch((error: unknown) => {
          throw statusOf(error) === 404 ? new CommentGone() : error;
        });
    }
    // Only after their sections are safe in the oldest comment.
    for (const duplicate of duplicates) {
      await client.rest.issues
        .deleteComment({ ...repository, comment_id: duplicate.id })
        .catch((error: unknown) => {
          if (statusOf(error) !== 404) throw error; // another writer deleted it first
        });
      this.created.delete(duplicate.id);
    }
    return { cut };
  }

  private async getComment(id: number): Promise<IssueComment | undefined> {
    const { client, repository } = this.options;
    try {
      return (await client.rest.issues.getComment({ ...repository, comment_id: id })).data;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  /** Our comments on the pull request, oldest first (GitHub's ids only grow). */
  private async ourComments(pullRequest: number, login: string): Promise<IssueComment[]> {
    const { client, repository } = this.options;
    const listed: IssueComment[] = await client.paginate(client.rest.issues.listComments, {
      ...repository,
      issue_number: pullRequest,
      per_page: 100,
    });
    const ours = listed.filter((comment) => isOurBody(comment.body) && sameLogin(comment.user?.login, login));
    for (const id of this.created) {
      if (ours.some((comment) => comment.id === id)) continue;
      const comment = await this.getComment(id);
      if (comment && isOurBody(comment.body)) ours.push(comment);
      else if (!comment) this.created.delete(id);
    }
    return ours.sort((a, b) => a.id - b.id);
  }
}
