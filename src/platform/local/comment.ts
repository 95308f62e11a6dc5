import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { renderComment } from '../../report/comment.js';
import type { CommentPort, CommentSection, CommentWriteResult } from '../ports.js';
import { writeFileAtomic } from './files.js';

/**
 * The PR comment, locally: each stage's section is its own JSON file (so stages never
 * overwrite each other), and `comment.md` is rendered from all of them after every write.
 */
export class LocalComment implements CommentPort {
  constructor(private readonly directory: string) {}

  async writeSection(section: CommentSection): Promise<CommentWriteResult> {
    const sectionsDirectory = path.join(this.directory, 'comment');
    await writeFileAtomic(
      path.join(sectionsDirectory, `${section.stage}.json`),
      JSON.stringify(section, null, 2),
    );
    const sections = await this.readSections();
    const file = path.join(this.directory, 'comment.md');
    await writeFileAtomic(
      file,
      renderComment(sections, { reportsLocation: path.join(this.directory, 'reports') }),
    );
    return { location: file, written: true };
  }

  async readSections(): Promise<CommentSection[]> {
    const sectionsDirectory = path.join(this.directory, 'comment');
    const names = await readdir(sectionsDirectory).catch(() => [] as string[]);
    const sections: CommentSection[] = [];
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      sections.push(JSON.parse(await readFile(path.join(sectionsDirectory, name), 'utf8')) as CommentSection);
    }
    return sections;
  }
}
