/**
 * Interns the distinct values of a categorical column as dense integer codes (0, 1, 2, …).
 *
 * Values arrive either as text (JSON Lines, Parquet) or as a byte range of a CSV buffer. The
 * byte path looks a value up by hashing its UTF-8 bytes in place, so the CSV hot path creates a
 * string only the first time it meets a value — a column of ten million rows with six distinct
 * values allocates six strings, not ten million.
 */
export class ValueDictionary {
  /** The text of each code. */
  readonly values: string[] = [];
  private readonly utf8: Uint8Array[] = [];
  private readonly hashes: number[] = [];
  private readonly byText = new Map<string, number>();
  /** Open addressing: code + 1 per slot, 0 for empty. */
  private slots = new Int32Array(64);

  /** @param limit the most distinct values accepted; past it lookups return -1. */
  constructor(readonly limit = Number.POSITIVE_INFINITY) {}

  get size(): number {
    return this.values.length;
  }

  codeOfText(text: string): number {
    const known = this.byText.get(text);
    if (known !== undefined) return known;
    const bytes = Buffer.from(text, 'utf8');
    return this.add(text, bytes, hashBytes(bytes, 0, bytes.length));
  }

  codeOfBytes(buffer: Buffer, start: number, end: number): number {
    const hash = hashBytes(buffer, start, end);
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot] as number;
      if (entry === 0) break;
      const code = entry - 1;
      if (this.hashes[code] === hash && sameBytes(this.utf8[code] as Uint8Array, buffer, start, end)) {
        return code;
      }
    }
    const text = buffer.toString('utf8', start, end);
    // Invalid UTF-8 decodes to U+FFFD, so two byte strings can share a text: keep one code.
    const known = this.byText.get(text);
    if (known !== undefined) return known;
    return this.add(text, buffer.subarray(start, end), hash);
  }

  private add(text: string, bytes: Uint8Array, hash: number): number {
    if (this.values.length >= this.limit) return -1;
    const code = this.values.length;
    this.values.push(text);
    this.utf8.push(Uint8Array.from(bytes));
    this.hashes.push(hash);
    this.byText.set(text, code);
    if ((code + 1) * 2 > this.slots.length) this.rehash();
    else this.place(code);
    return code;
  }

  private place(code: number): void {
    const mask = this.slots.length - 1;
    let slot = (this.hashes[code] as number) & mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
    this.slots[slot] = code + 1;
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    for (let code = 0; code < this.values.length; code++) this.place(code);
  }
}

/** FNV-1a over a byte range: cheap, and good enough for the few values a column holds. */
function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ (bytes[i] as number), 0x01000193);
  return hash >>> 0;
}

function sameBytes(stored: Uint8Array, buffer: Uint8Array, start: number, end: number): boolean {
  if (stored.length !== end - start) return false;
  for (let i = 0; i < stored.length; i++) if (stored[i] !== buffer[start + i]) return false;
  return true;
}
