/** Values shorter than this many bytes are looked up by shape first. */
const SHAPE_LENGTHS = 32;

/**
 * Interns the distinct values of a categorical column as dense integer codes (0, 1, 2, …).
 *
 * Values arrive either as text (JSON Lines, Parquet) or as a byte range of a CSV buffer. The
 * byte path looks a value up by its UTF-8 bytes in place — by its shape (length and first byte)
 * when that tells it apart, else by a hash — so the CSV hot path creates a string only the
 * first time it meets a value: a column of ten million rows with six distinct values allocates
 * six strings, not ten million.
 */
export class ValueDictionary {
  /** The text of each code. */
  readonly values: string[] = [];
  /** The UTF-8 bytes of every value, one after another: code c is bytes[offsets[c], offsets[c + 1]). */
  private bytes = new Uint8Array(256);
  private offsets = new Int32Array(65);
  private hashes = new Int32Array(64);
  private readonly byText = new Map<string, number>();
  /** Open addressing: code + 1 per slot, 0 for empty. */
  private slots = new Int32Array(64);
  /**
   * By shape (a length below SHAPE_LENGTHS and the first byte): code + 1 of the one value of
   * that shape, 0 when there is none, -1 when there are several. Most categorical values are
   * told apart by their shape, so a lookup costs one read and one comparison, no hashing.
   */
  private readonly shapes = new Int32Array(SHAPE_LENGTHS << 8);

  /** @param limit the most distinct values accepted; past it lookups return -1. */
  constructor(readonly limit = Number.POSITIVE_INFINITY) {}

  get size(): number {
    return this.values.length;
  }

  codeOfText(text: string): number {
    const known = this.byText.get(text);
    if (known !== undefined) return known;
    const bytes = Buffer.from(text, 'utf8');
    return this.add(text, bytes, 0, bytes.length, hashBytes(bytes, 0, bytes.length));
  }

  codeOfBytes(buffer: Buffer, start: number, end: number): number {
    const length = end - start;
    if (length < SHAPE_LENGTHS) {
      const shape = this.shapes[(length << 8) | (length === 0 ? 0 : (buffer[start] as number))] as number;
      if (shape > 0 && this.holds(shape - 1, buffer, start, length)) return shape - 1;
    }
    const hash = hashBytes(buffer, start, end);
    const slots = this.slots;
    const mask = slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[slot] as number;
      if (entry === 0) break;
      const code = entry - 1;
      if (this.hashes[code] === hash && this.holds(code, buffer, start, length)) return code;
    }
    const text = buffer.toString('utf8', start, end);
    // Invalid UTF-8 decodes to U+FFFD, so two byte strings can share a text: keep one code.
    const known = this.byText.get(text);
    if (known !== undefined) return known;
    return this.add(text, buffer, start, end, hash);
  }

  /** True when code's value is the `length` bytes at `start`. */
  private holds(code: number, buffer: Uint8Array, start: number, length: number): boolean {
    const offset = this.offsets[code] as number;
    if ((this.offsets[code + 1] as number) - offset !== length) return false;
    const bytes = this.bytes;
    for (let i = 0; i < length; i++) if (bytes[offset + i] !== buffer[start + i]) return false;
    return true;
  }

  private add(text: string, source: Uint8Array, start: number, end: number, hash: number): number {
    if (this.values.length >= this.limit) return -1;
    const code = this.values.length;
    this.values.push(text);
    if (code === this.hashes.length) {
      this.hashes = grown(this.hashes, code * 2);
      this.offsets = grown(this.offsets, code * 2 + 1);
    }
    const offset = this.offsets[code] as number;
    const needed = offset + (end - start);
    if (needed > this.bytes.length) this.bytes = grown(this.bytes, Math.max(needed, this.bytes.length * 2));
    this.bytes.set(source.subarray(start, end), offset);
    this.offsets[code + 1] = needed;
    this.hashes[code] = hash;
    this.byText.set(text, code);
    const length = end - start;
    if (length < SHAPE_LENGTHS) {
      const shape = (length << 8) | (length === 0 ? 0 : (source[start] as number));
      this.shapes[shape] = this.shapes[shape] === 0 ? code + 1 : -1;
    }
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

function grown<T extends Uint8Array | Int32Array>(array: T, length: number): T {
  const larger = new (array.constructor as new (length: number) => T)(length);
  larger.set(array);
  return larger;
}

/** FNV-1a over a byte range: cheap, and good enough for the few values a column holds. */
function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ (bytes[i] as number), 0x01000193);
  return hash;
}
