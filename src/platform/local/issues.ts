import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DispatchPort, IssueOutcome, IssuePort, TrackedIssue } from '../ports.js';
import { writeFileAtomic } from './files.js';

interface LocalIssue {
  number: number;
  key: string;
  title: string;
  state: 'open' | 'closed';
  opened: string;
  updated: string;
}

/**
 * Issues as files: `.mlops-flow/issues/<number>.md` holds the body, `issues.json` the index
 * (number, key, state). One open issue per key, as on GitHub.
 */
export class LocalIssues implements IssuePort {
  private readonly directory: string;
  private readonly index: string;

  constructor(
    stateDirectory: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.directory = path.join(stateDirectory, 'issues');
    this.index = path.join(this.directory, 'issues.json');
  }

  private async read(): Promise<LocalIssue[]> {
    const text = await readFile(this.index, 'utf8').catch(() => '[]');
    return JSON.parse(text) as LocalIssue[];
  }

  private file(issue: LocalIssue): string {
    return path.join(this.directory, `${issue.number}.md`);
  }

  /** Where people find it, relative to the project (reports never show local absolute paths). */
  private shown(issue: LocalIssue): string {
    return `.mlops-flow/issues/${issue.number}.md`;
  }

  async upsert(issue: TrackedIssue): Promise<IssueOutcome> {
    const issues = await this.read();
    const time = this.now().toISOString();
    let open = issues.find((candidate) => candidate.key === issue.key && candidate.state === 'open');
    const action = open ? 'updated' : 'opened';
    if (!open) {
      open = {
        number: issues.length + 1,
        key: issue.key,
        title: issue.title,
        state: 'open',
        opened: time,
        updated: time,
      };
      issues.push(open);
    }
    open.title = issue.title;
    open.updated = time;
    await writeFileAtomic(this.file(open), `# ${issue.title}\n\n${issue.body}\n`);
    await writeFileAtomic(this.index, `${JSON.stringify(issues, null, 2)}\n`);
    return { number: open.number, location: this.shown(open), action };
  }

  async close(key: string, comment: string): Promise<IssueOutcome> {
    const issues = await this.read();
    const open = issues.find((candidate) => candidate.key === key && candidate.state === 'open');
    if (!open) return { location: '.mlops-flow/issues/issues.json', action: 'none' };
    open.state = 'closed';
    open.updated = this.now().toISOString();
    await appendFile(this.file(open), `\n---\n\n${comment}\n`);
    await writeFileAtomic(this.index, `${JSON.stringify(issues, null, 2)}\n`);
    return { number: open.number, location: this.shown(open), action: 'closed' };
  }
}

/** Dispatches as lines of `.mlops-flow/dispatches.jsonl`: locally nothing is started, the request is kept. */
export class LocalDispatch implements DispatchPort {
  private readonly file: string;

  constructor(
    stateDirectory: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.file = path.join(stateDirectory, 'dispatches.jsonl');
  }

  async dispatch(request: Parameters<DispatchPort['dispatch']>[0]): Promise<{ location: string }> {
    await mkdir(path.dirname(this.file), { recursive: true });
    await appendFile(this.file, `${JSON.stringify({ time: this.now().toISOString(), ...request })}\n`);
    return { location: '.mlops-flow/dispatches.jsonl' };
  }
}
