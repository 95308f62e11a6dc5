import { describe, expect, jest, test } from '@jest/globals';
import { ValueDictionary } from '../../../src/metrics/readers/value-dictionary.js';
import { createRandom } from '../../../src/metrics/random.js';

/** Looks `text` up as bytes in the middle of a larger buffer, as a CSV batch does. */
function codeOfBytes(dictionary: ValueDictionary, text: string): number {
  const bytes = Buffer.from(`x,${text},y`, 'utf8');
  return dictionary.codeOfBytes(bytes, 2, bytes.length - 2);
}

describe('ValueDictionary', () => {
  test('codes are dense and in order of first appearance, by bytes or by text alike', () => {
    const random = createRandom(7);
    // Values sharing a length and first byte (the lookup's shortcut), empty, multi-byte UTF-8,
    // longer than the shortcut covers, and enough of them to grow every internal table.
    const pool = [
      '',
      'a',
      'b',
      'ab',
      'ac',
      'ba',
      'é',
      'ü',
      '名前',
      '名字',
      'Asian, Pacific Islander',
      'Asian, Pacific Islandes',
      'x'.repeat(31),
      'x'.repeat(32),
      'x'.repeat(33),
      'y'.repeat(32),
      `${'z'.repeat(40)}1`,
      `${'z'.repeat(40)}2`,
      ...Array.from({ length: 300 }, (_, k) => `v${k}`),
    ];
    const dictionary = new ValueDictionary();
    const expected = new Map<string, number>();
    for (let n = 0; n < 5000; n++) {
      const text = pool[Math.floor(random.nextDouble() * pool.length)] as string;
      if (!expected.has(text)) expected.set(text, expected.size);
      const code = random.nextDouble() < 0.5 ? codeOfBytes(dictionary, text) : dictionary.codeOfText(text);
      expect(code).toBe(expected.get(text));
    }
    expect(dictionary.size).toBe(expected.size);
    expect(dictionary.values).toEqual([...expected.keys()]);
    for (const [text, code] of expected) {
      expect(codeOfBytes(dictionary, text)).toBe(code);
      expect(dictionary.codeOfText(text)).toBe(code);
    }
  });

  test('a value met before is found from its bytes without decoding them', () => {
    const dictionary = new ValueDictionary();
    const texts = Array.from({ length: 1000 }, (_, k) => (k % 2 ? `value ${k}` : `${k}`));
    const buffers = texts.map((text) => Buffer.from(text, 'utf8'));
    buffers.forEach((buffer, k) => expect(dictionary.codeOfBytes(buffer, 0, buffer.length)).toBe(k));
    const decode = jest.spyOn(Buffer.prototype, 'toString');
    try {
      buffers.forEach((buffer, k) => expect(dictionary.codeOfBytes(buffer, 0, buffer.length)).toBe(k));
      expect(decode).not.toHaveBeenCalled();
    } finally {
      decode.mockRestore();
    }
  });

  test('byte strings that decode to the same text (invalid UTF-8) share one code', () => {
    const dictionary = new ValueDictionary();
    const first = Buffer.from([0xff]);
    const second = Buffer.from([0xfe]);
    expect(dictionary.codeOfBytes(first, 0, 1)).toBe(0);
    expect(dictionary.codeOfBytes(second, 0, 1)).toBe(0);
    expect(dictionary.codeOfBytes(first, 0, 1)).toBe(0);
    expect(dictionary.values).toEqual(['\ufffd']);
  });

  test('past its limit a new value gets -1 and known values keep their codes', () => {
    const dictionary = new ValueDictionary(2);
    expect(codeOfBytes(dictionary, 'a')).toBe(0);
    expect(codeOfBytes(dictionary, 'b')).toBe(1);
    expect(codeOfBytes(dictionary, 'c')).toBe(-1);
    expect(dictionary.codeOfText('c')).toBe(-1);
    expect(codeOfBytes(dictionary, 'b')).toBe(1);
    expect(dictionary.codeOfText('a')).toBe(0);
    expect(dictionary.size).toBe(2);
  });
});
