import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { loadConfig, loadConfigText } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/diagnostics.js';
import { formatGoal, meetsGoal, parseGoal, formatNumber } from '../../src/config/goal.js';
import { evaluateExpression, parseExpression, referencedMetrics } from '../../src/config/expression.js';
import { closestMatch } from '../../src/config/suggest.js';
import { MINIMAL_CONFIG, tempProject } from '../helpers/cli.js';

const root = path.resolve(import.meta.dirname, '../..');
const exampleText = readFileSync(path.resolve(root, 'tests/fixtures/config/mlops.example.yml'), 'utf8');

describe('the example config', () => {
  test('validates into a typed config', () => {
    const loaded = loadConfigText('mlops.yml', exampleText);
    expect(loaded.config.charter.name).toBe('customer-credit-risk');
    expect(loaded.config.charter.metrics?.business?.[0]?.estimate).toBe(
      'bad_payers_flagged_share * 1200000 * 0.6',
    );
    expect(loaded.config.flow?.canary?.steps).toEqual([5, 25, 50, 100]);
    expect(loaded.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  test('locates its nodes', () => {
    const loaded = loadConfigText('mlops.yml', exampleText);
    const line = exampleText.split('\n').findIndex((text) => text.includes('latency_p95_ms: 250')) + 1;
    expect(loaded.source.locate(['charter', 'requirements', 'latency_p95_ms'])).toEqual({
      file: 'mlops.yml',
      line,
      column: 21,
    });
    expect(loaded.source.locate(['charter', 'requirements', 'latency_p95_ms'], 'key').column).toBe(5);
  });
});

describe('finding the config', () => {
  test('falls back to .github/mlops.yml and takes paths from the repository root', async () => {
    const directory = tempProject();
    mkdirSync(path.join(directory, '.github'));
    writeFileSync(path.join(directory, '.github/mlops.yml'), MINIMAL_CONFIG);
    const loaded = await loadConfig(directory);
    expect(loaded.file).toBe('.github/mlops.yml');
    expect(loaded.projectRoot).toBe(directory);
  });

  test('a missing config names where it looked', async () => {
    const directory = tempProject();
    await expect(loadConfig(directory)).rejects.toThrow(
      /no config found at "mlops.yml" or ".github\/mlops.yml"/,
    );
  });

  test('a path outside the workspace is refused', async () => {
    const directory = tempProject();
    await expect(loadConfig(directory, '../elsewhere/mlops.yml')).rejects.toThrow(/leaves the workspace/);
  });

  test('errors are ConfigErrors carrying the source text', () => {
    try {
      loadConfigText('mlops.yml', 'version: 1\ncharter: {}\n');
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).sourceText).toContain('charter: {}');
    }
  });
});

describe('goals', () => {
  test.each([
    ['>= 0.80', 'precision', { op: '>=', value: 0.8 }],
    ['< 0.01', 'error_rate', { op: '<', value: 0.01 }],
    ['≤ 250', 'latency_p95_ms', { op: '<=', value: 250 }],
    [' == 1e3 ', 'x', { op: '==', value: 1000 }],
    [250, 'latency_p95_ms', { op: '<=', value: 250 }],
    [0.8, 'precision', { op: '>=', value: 0.8 }],
  ])('%p for %s', (text, metric, goal) => {
    expect(parseGoal(text, metric)).toEqual(goal);
  });

  test('bad goals are refused', () => {
    for (const text of ['=> 1', '>=', 'high', '>= 1 2', ''])
      expect(() => parseGoal(text, 'x')).toThrow(/not a goal/);
  });

  test('a goal that is not finite, or a negative time, is refused at its line', () => {
    const cases: [from: string, to: string, message: RegExp][] = [
      ['precision: ">= 0.80" }', 'precision: ">= 1e999" }', /goal ">= 1e999" is not a finite number/],
      ['latency_p95_ms: 250,', 'latency_p95_ms: -5,', /goal -5 for latency_p95_ms is below 0/],
    ];
    const line = exampleText.split('\n').findIndex((l) => l.includes('latency_p95_ms: 250,')) + 1;
    for (const [from, to, message] of cases) {
      expect(exampleText.split(from)).toHaveLength(2);
      let error: unknown;
      try {
        loadConfigText('mlops.yml', exampleText.replace(from, to));
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      const [first] = (error as ConfigError).diagnostics;
      expect(first?.message).toMatch(message);
      expect(first?.location.line).toBe(line);
    }
    expect(parseGoal('<= -1', 'cost_difference')).toEqual({ op: '<=', value: -1 });
  });

  test('comparisons and formatting', () => {
    expect(meetsGoal(0.8, parseGoal('>= 0.8', 'p'))).toBe(true);
    expect(meetsGoal(0.79, parseGoal('>= 0.8', 'p'))).toBe(false);
    expect(meetsGoal(0.01, parseGoal('< 0.01', 'e'))).toBe(false);
    expect(formatGoal(parseGoal('>= 400000', 'usd'))).toBe('≥ 400,000');
    expect(formatNumber(null)).toBe('n/a');
    expect(formatNumber(0.5734)).toBe('0.573');
    expect(formatNumber(-0.00004)).toBe('0.000');
    expect(formatNumber(-0.0004)).toBe('0.000');
    expect(formatNumber(-0.004)).toBe('-0.004');
  });
});

describe('estimate expressions', () => {
  test('precedence, parentheses and unary minus', () => {
    const values = new Map([
      ['a', 2],
      ['b', 3],
    ]);
    expect(evaluateExpression(parseExpression('a + b * 2'), values)).toBe(8);
    expect(evaluateExpression(parseExpression('(a + b) * 2'), values)).toBe(10);
    expect(evaluateExpression(parseExpression('-a - -b'), values)).toBe(1);
    expect(evaluateExpression(parseExpression('a / b / 2'), values)).toBeCloseTo(1 / 3, 12);
    expect(evaluateExpression(parseExpression('a / (b - 3)'), values)).toBeNull();
    expect(evaluateExpression(parseExpression('missing * 2'), values)).toBeNull();
  });

  test('lists the metrics it reads with their offsets', () => {
    expect(referencedMetrics(parseExpression('recall * 1200000 * share'))).toEqual([
      { id: 'recall', offset: 0 },
      { id: 'share', offset: 19 },
    ]);
  });

  test('a division by a constant zero or a number too large is refused where it is written', () => {
    const offsetOf = (text: string) => {
      try {
        parseExpression(text);
      } catch (error) {
        return [(error as Error).message, (error as { offset: number }).offset];
      }
      return undefined;
    };
    expect(offsetOf('recall / 0')).toEqual([expect.stringMatching(/division by a constant zero/), 9]);
    expect(offsetOf('recall / (2 - 2)')).toEqual([expect.stringMatching(/division by a constant zero/), 9]);
    expect(offsetOf('1e999 * recall')).toEqual([expect.stringMatching(/1e999 is too large/), 0]);
    expect(offsetOf('1e308 * 10 + recall')).toEqual([expect.stringMatching(/overflows/), 6]);
    expect(offsetOf('recall / (share - 1)')).toBeUndefined();
  });

  test('is never evaluated as code', () => {
    expect(() => parseExpression('process.exit(1)')).toThrow(/unexpected character "\."/);
    expect(() => parseExpression('a; b')).toThrow(/unexpected character ";"/);
    expect(() => parseExpression('('.repeat(60) + '1' + ')'.repeat(60))).toThrow(/nested too deeply/);
  });
});

test('did-you-mean suggestions only for near misses', () => {
  expect(closestMatch('bussiness_problem', ['business_problem', 'name'])).toBe('business_problem');
  expect(closestMatch('zzz', ['business_problem', 'name'])).toBeUndefined();
  expect(closestMatch('must have', ['must-have', 'good-to-have'])).toBe('must-have');
});
