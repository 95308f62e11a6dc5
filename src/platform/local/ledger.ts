import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { LedgerPort, LedgerQuery, StageRecord } from '../ports.js';

/** Stage records as JSON Lines in `.mlops-flow/ledger.jsonl`; appends of one line are atomic. */
export class LocalLedger implements LedgerPort {
  private readonly file: string;

  constructor(directory: string) {
    this.file = path.join(directory, 'ledger.jsonl');
  }

  async write(record: StageRecord): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    await appendFile(this.file, `${JSON.stringify(record)}\n`);
  }

  async find(query: LedgerQuery): Promise<StageRecord[]> {
    const text = await readFile(this.file, 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as StageRecord];
        } catch {
          return []; // a torn line from a killed process: ignore it rather than fail the flow
        }
      })
      .filter(
        (record) =>
          record.stage === query.stage &&
          record.commit === query.commit &&
          (query.modelDigest === undefined || record.modelDigest === query.modelDigest),
      )
      .sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0));
  }
}
