#!/usr/bin/env node
/**
 * Extracts the operations mlops-flow calls from GitHub's published OpenAPI description
 * (@octokit/openapi) into tests/fixtures/github/openapi-subset.json. The subset is the contract
 * the fake GitHub API validates every request against; a test checks it equals what this script
 * extracts, so upgrading @octokit/openapi shows up as a reviewable diff.
 *
 *   node scripts/extract-openapi.mjs           write the subset
 *   node scripts/extract-openapi.mjs --check   exit 1 when the committed subset differs
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Every operation the GitHub platform (and its tests) may call, by operationId. */
export const OPERATIONS = [
  // the sticky PR comment
  'issues/list-comments',
  'issues/create-comment',
  'issues/get-comment',
  'issues/update-comment',
  'issues/delete-comment',
  'pulls/get',
  'repos/create-commit-comment',
  // the ledger
  'checks/create',
  'checks/update',
  'checks/list-for-ref',
  'repos/create-commit-status',
  'repos/list-commit-statuses-for-ref',
  // deployments, environments, approvals
  'repos/create-deployment',
  'repos/create-deployment-status',
  'repos/list-deployments',
  'repos/list-deployment-statuses',
  'repos/get-environment',
  'actions/get-reviews-for-run',
  // identities and handles
  'users/get-authenticated',
  'users/get-by-username',
  'teams/get-by-name',
  'teams/get-membership-for-user-in-org',
  'apps/get-authenticated',
  // artifacts (the model store)
  'actions/list-artifacts-for-repo',
  'actions/list-workflow-run-artifacts',
  'actions/get-artifact',
  'actions/download-artifact',
  // the monitor: one issue per problem, a rebuild by dispatch
  'issues/list-for-repo',
  'issues/create',
  'issues/update',
  'actions/create-workflow-dispatch',
  'repos/create-dispatch-event',
];

const METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options'];
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SUBSET_FILE = path.join(root, 'tests/fixtures/github/openapi-subset.json');

/** Follows a local `#/components/...` pointer. */
function lookup(description, ref) {
  if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported: ${ref}`);
  return ref
    .slice(2)
    .split('/')
    .reduce((node, key) => node?.[key.replaceAll('~1', '/').replaceAll('~0', '~')], description);
}

/** Names of every component schema a node refers to, transitively. */
function collectSchemaRefs(description, node, found) {
  if (Array.isArray(node)) {
    for (const item of node) collectSchemaRefs(description, item, found);
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith('#/components/schemas/')) {
        const name = value.slice('#/components/schemas/'.length);
        if (!found.has(name)) {
          found.add(name);
          collectSchemaRefs(description, lookup(description, value), found);
        }
      } else {
        collectSchemaRefs(description, value, found);
      }
    }
  }
  return found;
}

/** Replaces a `$ref` to a parameter or request body by its target (schemas keep their $refs). */
function inline(description, node) {
  return node && typeof node === 'object' && typeof node.$ref === 'string'
    ? lookup(description, node.$ref)
    : node;
}

/** Sorted keys, so the committed file diffs cleanly. */
function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys(value[key])]),
    );
  }
  return value;
}

export function extractSubset(description, operationIds = OPERATIONS) {
  const paths = {};
  const seen = new Set();
  for (const [route, item] of Object.entries(description.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation || !operationIds.includes(operation.operationId)) continue;
      seen.add(operation.operationId);
      const body = inline(description, operation.requestBody);
      const json = body?.content?.['application/json'];
      paths[route] ??= {};
      paths[route][method] = {
        operationId: operation.operationId,
        summary: operation.summary,
        parameters: [...(item.parameters ?? []), ...(operation.parameters ?? [])].map((parameter) => {
          const { name, in: location, required, schema } = inline(description, parameter);
          return { name, in: location, required: Boolean(required), schema };
        }),
        ...(json
          ? {
              requestBody: {
                required: Boolean(body.required),
                content: { 'application/json': { schema: json.schema } },
              },
            }
          : {}),
        // Every status code; for successes also the JSON schema, so the fake's answers are
        // checked against GitHub's shapes as strictly as the requests are.
        responses: Object.fromEntries(
          Object.entries(operation.responses ?? {}).map(([status, response]) => {
            const schema = inline(description, response)?.content?.['application/json']?.schema;
            return [
              status,
              status.startsWith('2') && schema ? { content: { 'application/json': { schema } } } : {},
            ];
          }),
        ),
      };
    }
  }
  const missing = operationIds.filter((id) => !seen.has(id));
  if (missing.length > 0) throw new Error(`operations not in the description: ${missing.join(', ')}`);

  const names = collectSchemaRefs(description, paths, new Set());
  const schemas = Object.fromEntries([...names].map((name) => [name, description.components.schemas[name]]));
  return sortKeys(
    typedNullables({
      openapi: description.openapi,
      info: {
        title: 'mlops-flow subset of the GitHub REST API',
        version: description.info.version,
        description: 'Generated by scripts/extract-openapi.mjs from @octokit/openapi; do not edit.',
      },
      paths,
      components: { schemas },
    }),
  );
}

/**
 * OpenAPI 3.0's `nullable: true` beside `oneOf`/`anyOf` and no `type` (as in the issue endpoints'
 * `milestone`) is meaningless to a JSON Schema validator, which refuses it: say the same thing
 * as an alternative `{type: 'null'}`. Everything else is left as GitHub wrote it.
 */
function typedNullables(node) {
  if (Array.isArray(node)) return node.map(typedNullables);
  if (node === null || typeof node !== 'object') return node;
  const copy = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, typedNullables(value)]));
  if (copy.nullable === true && copy.type === undefined) {
    delete copy.nullable;
    for (const keyword of ['oneOf', 'anyOf']) {
      if (Array.isArray(copy[keyword])) return { ...copy, [keyword]: [...copy[keyword], { type: 'null' }] };
    }
    return { anyOf: [copy, { type: 'null' }] };
  }
  return copy;
}

export async function readDescription() {
  const require = createRequire(import.meta.url);
  const file = require.resolve('@octokit/openapi/generated/api.github.com.json', { paths: [root] });
  const version = JSON.parse(
    await readFile(path.join(path.dirname(file), '..', 'package.json'), 'utf8'),
  ).version;
  return { description: JSON.parse(await readFile(file, 'utf8')), version };
}

export function serialise(subset) {
  return JSON.stringify(subset, null, 1) + '\n';
}

async function main() {
  const { description } = await readDescription();
  const text = serialise(extractSubset(description));
  if (process.argv.includes('--check')) {
    const committed = await readFile(SUBSET_FILE, 'utf8').catch(() => '');
    if (committed !== text) {
      console.error(
        `${path.relative(root, SUBSET_FILE)} is out of date: run node scripts/extract-openapi.mjs`,
      );
      process.exit(1);
    }
    return;
  }
  await writeFile(SUBSET_FILE, text);
  console.error(`wrote ${path.relative(root, SUBSET_FILE)} (${text.length} characters)`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
