import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '@jest/globals';

/**
 * Editors show a key's `description` on hover and in completion (the YAML language server reads
 * schema/mlops.schema.json), so every property and every $defs entry must have one. The schema is
 * read from disk, not imported, so the test sees the file as it is now.
 */
const SCHEMA_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../schema/mlops.schema.json',
);

type SchemaNode = Record<string, unknown>;

const isNode = (value: unknown): value is SchemaNode =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Keywords whose value is one subschema. */
const ONE_SCHEMA = [
  'items',
  'additionalProperties',
  'unevaluatedProperties',
  'unevaluatedItems',
  'propertyNames',
  'contains',
  'not',
  'if',
  'then',
  'else',
] as const;
/** Keywords whose value is a list of subschemas. */
const SCHEMA_LISTS = ['oneOf', 'anyOf', 'allOf', 'prefixItems'] as const;
/** Keywords whose value maps names to subschemas that are not properties. */
const SCHEMA_MAPS = ['patternProperties', 'dependentSchemas'] as const;

function described(node: SchemaNode): boolean {
  return typeof node.description === 'string' && node.description.trim() !== '';
}

/**
 * Where a property or a $defs entry has no description, as a path people can read:
 * `flow.canary.analysis.metrics[].weight`, `$defs.money`. Only keywords are descended into,
 * so a property named `description` (a metric's) is a property, not a keyword.
 */
function undescribed(schema: SchemaNode): string[] {
  const missing: string[] = [];
  const walk = (node: unknown, where: string): void => {
    if (!isNode(node)) return;
    if (isNode(node.properties)) {
      for (const [name, property] of Object.entries(node.properties)) {
        const at = where ? `${where}.${name}` : name;
        if (!isNode(property) || !described(property)) missing.push(at);
        walk(property, at);
      }
    }
    if (isNode(node.$defs)) {
      for (const [name, definition] of Object.entries(node.$defs)) {
        const at = `$defs.${name}`;
        if (!isNode(definition) || !described(definition)) missing.push(at);
        walk(definition, at);
      }
    }
    for (const keyword of ONE_SCHEMA) {
      walk(node[keyword], keyword === 'items' ? `${where}[]` : `${where}(${keyword})`);
    }
    for (const keyword of SCHEMA_LISTS) {
      const list = node[keyword];
      if (Array.isArray(list))
        list.forEach((branch, index) => walk(branch, `${where}(${keyword}[${index}])`));
    }
    for (const keyword of SCHEMA_MAPS) {
      const map = node[keyword];
      if (isNode(map))
        for (const [name, sub] of Object.entries(map)) walk(sub, `${where}(${keyword}:${name})`);
    }
  };
  walk(schema, '');
  return missing;
}

describe('schema/mlops.schema.json descriptions', () => {
  const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as SchemaNode;

  test('every property and every $defs entry has a description', () => {
    expect(undescribed(schema)).toEqual([]);
  });

  test('the walk reaches the whole schema', () => {
    // Guards the guard: had the walk stopped early, an empty list above would prove nothing.
    const withoutDescriptions = JSON.parse(
      JSON.stringify(schema, (key, value: unknown) =>
        key === 'description' && typeof value === 'string' ? undefined : value,
      ),
    ) as SchemaNode;
    const all = undescribed(withoutDescriptions);
    expect(all).toEqual(
      expect.arrayContaining([
        'charter',
        'flow',
        '$defs.goal',
        '$defs.charter.data.sources[].origin',
        '$defs.modelMetric.description',
        '$defs.flow.fairness.goals.demographic_parity_ratio',
        '$defs.flow.canary.analysis.metrics[].weight',
        '$defs.flow.deploy_test.load.connections',
      ]),
    );
    expect(all.length).toBeGreaterThanOrEqual(130);
  });

  test('a property named "description" is checked like any other, and blank text does not count', () => {
    const metric: SchemaNode = {
      $defs: {
        metric: { description: 'a metric', type: 'object', properties: { description: { type: 'string' } } },
      },
      properties: {
        id: { description: '   ', type: 'string' },
        list: { description: 'a list', type: 'array', items: { properties: { note: { type: 'string' } } } },
        either: {
          description: 'one or the other',
          oneOf: [
            { type: 'object', properties: { a: { description: 'A.', type: 'string' } } },
            { $ref: '#/$defs/metric' },
          ],
        },
      },
    };
    expect(undescribed(metric)).toEqual(['id', 'list[].note', '$defs.metric.description']);
  });
});
