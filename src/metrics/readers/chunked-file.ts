import { open, type FileHandle } from 'node:fs/promises';
import { DataError } from './data-error.js';

const INITIAL_SIZE = 1 << 20;

/**
 * A file read through one reusable buffer. The unread tail of a chunk (a record cut in two)
 * moves to the front before the next read, so memory stays at one buffer whatever the file's
 * size; the buffer only grows when a single record is larger than it.
 */
export class ChunkedFile {
  buffer: Buffer;
  /** First unconsumed byte. */
  start = 0;
  /** End of the bytes read so far. */
  end = 0;
  eof = false;
  private closed = false;

  private constructor(
    private readonly handle: FileHandle,
    size: number,
  ) {
    this.buffer = Buffer.allocUnsafe(size);
  }

  static async open(file: string, size = INITIAL_SIZE): Promise<ChunkedFile> {
    if (!(Number.isInteger(size) && size >= 1))
      throw new RangeError(`buffer size must be a whole number ≥ 1, got ${size}`);
    try {
      return new ChunkedFile(await open(file, 'r'), size);
    } catch (error) {
      throw new DataError({ file }, `cannot read the file: ${(error as Error).message}`);
    }
  }

  /** Keeps the unconsumed bytes and reads more after them. False once the file is exhausted. */
  async fill(): Promise<boolean> {
    if (this.eof) return false;
    const pending = this.end - this.start;
    if (this.start > 0) {
      this.buffer.copyWithin(0, this.start, this.end);
    } else if (pending === this.buffer.length) {
      const larger = Buffer.allocUnsafe(this.buffer.length * 2);
      this.buffer.copy(larger, 0, 0, pending);
      this.buffer = larger;
    }
    this.start = 0;
    this.end = pending;
    const { bytesRead } = await this.handle.read(this.buffer, pending, this.buffer.length - pending, null);
    this.end += bytesRead;
    if (bytesRead === 0) this.eof = true;
    return true;
  }

  /** Idempotent: a reader closes on the last batch, and callers may close early too. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }
}
