const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** A record that breaks RFC 4180, located by its index in the scan and its first line. */
export class CsvSyntaxError extends Error {
  constructor(
    /** 0-based index of the bad record among the records of this scan. */
    readonly record: number,
    readonly line: number,
    readonly reason: string,
    /** 0-based field where the problem is, when it is one field's. */
    readonly field?: number,
  ) {
    super(reason);
  }
}

export interface ScanResult {
  /** Complete records found (blank lines are skipped, not counted). */
  records: number;
  /** Offset just past the last complete record: where the next scan starts. */
  consumed: number;
  /** Line number at `consumed`. */
  line: number;
  /** Number of fields of the last record. */
  fields: number;
}

/**
 * An RFC 4180 tokenizer over bytes: quoted fields with embedded delimiters, quotes ("") and
 * line breaks, CRLF, LF or lone CR line ends. It allocates nothing per record: it records
 * where each wanted field starts and ends in the buffer, and callers decode only the cells they
 * use. Fields not wanted are skipped without being stored.
 *
 * A record cut by the end of the buffer is left unconsumed unless `eof` says no more bytes
 * will come, so callers refill and scan again from `consumed`.
 */
export class CsvTokenizer {
  /** Per record and wanted field (record * slots + slot): byte offsets in the scanned buffer. */
  starts: Int32Array;
  ends: Int32Array;
  /** 1 when the field was quoted and holds "" escapes that decoding must undo. */
  escaped: Uint8Array;
  /** Line where each record starts. */
  lines: Float64Array;
  private capacity: number;

  /**
   * @param width fields every record must have; -1 to accept any count (the header).
   * @param slotOf for each field of a record, where to store it, or -1 to skip it.
   * @param slots wanted fields per record.
   */
  constructor(
    private readonly delimiter: number,
    private readonly width: number,
    private readonly slotOf: Int32Array,
    private readonly slots: number,
    initialCapacity = 4096,
  ) {
    this.capacity = initialCapacity;
    this.starts = new Int32Array(initialCapacity * Math.max(1, slots));
    this.ends = new Int32Array(initialCapacity * Math.max(1, slots));
    this.escaped = new Uint8Array(initialCapacity * Math.max(1, slots));
    this.lines = new Float64Array(initialCapacity);
  }

  scan(
    buffer: Uint8Array,
    begin: number,
    end: number,
    eof: boolean,
    firstLine: number,
    maxRecords = Number.POSITIVE_INFINITY,
  ): ScanResult {
    const delimiter = this.delimiter;
    const width = this.width;
    const slotOf = this.slotOf;
    const slotCount = slotOf.length;
    const slots = this.slots;
    let starts = this.starts;
    let ends = this.ends;
    let escaped = this.escaped;
    let pos = begin;
    let line = firstLine;
    let records = 0;
    let consumed = begin;
    let consumedLine = firstLine;
    let lastFields = 0;

    record: while (pos < end && records < maxRecords) {
      const recordLine = line;
      if (records === this.capacity) {
        this.grow();
        starts = this.starts;
        ends = this.ends;
        escaped = this.escaped;
      }
      const base = records * slots;
      let field = 0;
      let blank = true;
      for (;;) {
        let fieldStart: number;
        let fieldEnd: number;
        let fieldEscaped = 0;
        if (pos < end && buffer[pos] === QUOTE) {
          blank = false;
          fieldStart = ++pos;
          for (;;) {
            if (pos >= end) {
              if (eof) throw new CsvSyntaxError(records, recordLine, 'a quoted field is never closed', field);
              break record;
            }
            const byte = buffer[pos];
            if (byte === QUOTE) {
              if (pos + 1 >= end && !eof) break record; // "" could straddle the chunks
              if (pos + 1 < end && buffer[pos + 1] === QUOTE) {
                fieldEscaped = 1;
                pos += 2;
                continue;
              }
              fieldEnd = pos++;
              break;
            }
            if (byte === LF || (byte === CR && (pos + 1 >= end || buffer[pos + 1] !== LF))) line++;
            pos++;
          }
        } else {
          fieldStart = pos;
          while (pos < end) {
            const byte = buffer[pos];
            if (byte === delimiter || byte === LF || byte === CR) break;
            pos++;
          }
          fieldEnd = pos;
          if (fieldEnd > fieldStart) blank = false;
        }
        if (field < slotCount) {
          const slot = slotOf[field] as number;
          if (slot >= 0) {
            starts[base + slot] = fieldStart;
            ends[base + slot] = fieldEnd;
            escaped[base + slot] = fieldEscaped;
          }
        }
        field++;
        if (pos >= end) {
          if (!eof) break record;
          break;
        }
        const byte = buffer[pos];
        if (byte === delimiter) {
          pos++;
          blank = false;
          continue;
        }
        if (byte === LF) {
          pos++;
          line++;
          break;
        }
        if (byte === CR) {
          if (pos + 1 >= end && !eof) break record; // its LF may be in the next chunk
          pos++;
          if (pos < end && buffer[pos] === LF) pos++;
          line++;
          break;
        }
        throw new CsvSyntaxError(
          records,
          recordLine,
          'unexpected text after a closing quote (a quote inside a quoted field must be doubled)',
          field - 1,
        );
      }
      consumed = pos;
      consumedLine = line;
      if (blank && field === 1) continue; // an empty line separates nothing
      if (width >= 0 && field !== width) {
        throw new CsvSyntaxError(records, recordLine, `has ${field} fields but the header has ${width}`);
      }
      this.lines[records] = recordLine;
      lastFields = field;
      records++;
    }
    return { records, consumed, line: consumedLine, fields: lastFields };
  }

  private grow(): void {
    const slots = Math.max(1, this.slots);
    this.capacity *= 2;
    const starts = new Int32Array(this.capacity * slots);
    const ends = new Int32Array(this.capacity * slots);
    const escaped = new Uint8Array(this.capacity * slots);
    const lines = new Float64Array(this.capacity);
    starts.set(this.starts);
    ends.set(this.ends);
    escaped.set(this.escaped);
    lines.set(this.lines);
    this.starts = starts;
    this.ends = ends;
    this.escaped = escaped;
    this.lines = lines;
  }
}

/** The text of a stored field, with "" escapes undone. */
export function decodeField(buffer: Buffer, start: number, end: number, escaped: number): string {
  const text = buffer.toString('utf8', start, end);
  return escaped ? text.replaceAll('""', '"') : text;
}
