import { describe, expect, test } from '@jest/globals';
import { canonicalJson, sha256 } from '../../src/core/digest.js';
import { loadConfigText } from '../../src/config/load.js';
import { edit, example, load, minimal } from '../fixtures/charter/example.js';

const digest = (text: string) => load(text).digest;

/**
 * The minimal charter written in a different style throughout: block instead of flow
 * collections, every scalar quoted one way or another, keys in another order, comments,
 * blank lines, a different indentation, a number in another notation.
 */
const minimalRewritten = `# the same charter, written by someone else
charter:

    metrics:
        business:
            -   from:
                    - 'churners_reached_share'
                goal: '>= 50000'
                id: revenue_kept_eur
        domain:
            -   id: "churners_reached_share"
                from: [ "recall" ]
                goal: ">= 0.5"
        model:
            -   goal: '>= 0.6'   # precision is not the point here
                id: recall
    data: { sources: [ { priority: must-have, origin: primary, name: 'usage' } ] }
    justification:
        data_quality_reviewed: true
        data_known: true
        problem_statement: "Binary classification, customer -> churns within 30 days."
        alternatives:
            - bigger discounts for everyone
        why_ml: 'Churn depends on usage patterns no rule captures.'
    value:
        period: "quarter"
        currency: EUR
        amount: 5.0e4
    roles: { ml_engineers: ['@acme/ds'], product_owner: '@jdoe', decision_maker: "@acme/leads" }
    business_problem: >-
        Customers leave without warning;
        retention offers come too late.
    name: "churn"
version: 0x1
`;

describe('the charter digest', () => {
  const base = digest(minimal);

  test('is a sha256 of the canonical JSON of the config', () => {
    const loaded = load(minimal);
    expect(loaded.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(loaded.digest).toBe(sha256(canonicalJson(loaded.config)));
  });

  test('is unchanged by style: block vs flow, quoting, key order, comments, indentation, notation', () => {
    expect(minimalRewritten).not.toBe(minimal);
    expect(load(minimalRewritten).config).toEqual(load(minimal).config);
    expect(digest(minimalRewritten)).toBe(base);
  });

  test.each([
    ['comments removed', (text: string) => text.replace(/ +#.*$/gm, '').replace(/^#.*\n/gm, '')],
    [
      'a flow list written as a block',
      (text: string) =>
        edit('steps: [5, 25, 50, 100]', 'steps:\n      - 5\n      - 25\n      - 50\n      - 100', text),
    ],
    [
      'a flow map written as a block, keys reordered',
      (text: string) =>
        edit(
          'load: { rate: 50, duration: 30s, connections: 8 }',
          'load:\n      connections: 8\n      duration: "30s"\n      rate: 50',
          text,
        ),
    ],
    [
      'a plain scalar quoted',
      (text: string) => edit('name: customer-credit-risk', "name: 'customer-credit-risk'", text),
    ],
    [
      'a quoted scalar unquoted',
      (text: string) => edit('schedule: "0 2 * * *"', "schedule: '0 2 * * *'", text),
    ],
    [
      'top-level sections swapped',
      (text: string) => text.replace(/(\nversion: 1\n)([\s\S]*?)(\nflow:\n[\s\S]*)$/, '$1$3\n$2'),
    ],
  ])('the example with %s has the same digest', (_, change) => {
    const changed = change(example);
    expect(changed).not.toBe(example);
    expect(digest(changed)).toBe(digest(example));
  });

  test.each([
    ['a number', 'amount: 400000', 'amount: 400001'],
    ['a string', 'currency: USD\n    period: year', 'currency: EUR\n    period: year'],
    ['a boolean', 'intersections: true', 'intersections: false'],
    ['a goal', 'goal: ">= 400000"', 'goal: ">= 400001"'],
    ['list order', 'gate: [precision, recall]', 'gate: [recall, precision]'],
    ['a list item', 'steps: [5, 25, 50, 100]', 'steps: [5, 25, 60, 100]'],
  ])('changes when %s changes', (_, from, to) => {
    expect(digest(edit(from, to))).not.toBe(digest(example));
  });

  test('changes when an optional key is added or removed', () => {
    // The schema rejects unknown keys, so "added" means an optional key the example leaves out.
    expect(digest(edit('    min_group_size: 30', '    min_group_size: 30\n    threshold: 0.5'))).not.toBe(
      digest(example),
    );
    expect(digest(edit('    retention_days: 90\n', ''))).not.toBe(digest(example));
  });

  test('does not depend on the file name', () => {
    expect(loadConfigText('ml/.github/mlops.yml', minimal).digest).toBe(base);
  });
});
