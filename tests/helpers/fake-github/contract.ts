import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

/**
 * The contract: GitHub's own OpenAPI description of the operations we call, as extracted by
 * scripts/extract-openapi.mjs. Every request the fake receives is matched and validated here.
 */

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: { type?: string; enum?: unknown[]; [key: string]: unknown };
}

export interface Operation {
  operationId: string;
  method: string;
  /** The path template, e.g. `/repos/{owner}/{repo}/issues/{issue_number}/comments`. */
  route: string;
  parameters: Parameter[];
  hasRequestBody: boolean;
  requestBodyRequired: boolean;
  validateBody?: ValidateFunction;
  /** GitHub's schema of the JSON answer, by status code (successes only). */
  validateResponse: Map<number, ValidateFunction>;
  pattern: RegExp;
  pathNames: string[];
}

interface SubsetOperation {
  operationId: string;
  parameters: Parameter[];
  requestBody?: { required: boolean; content: { 'application/json': { schema: unknown } } };
  responses: Record<string, { content?: { 'application/json': { schema: unknown } } }>;
}

export const SUBSET_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../fixtures/github/openapi-subset.json',
);

const SUBSET_ID = 'openapi-subset';

// ajv-formats is CommonJS; under NodeNext its default export arrives as the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

function pointer(...keys: string[]): string {
  return keys.map((key) => key.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
}

/** Compiles every operation of the subset once; the fake shares the result between instances. */
export function loadContract(file = SUBSET_FILE): Operation[] {
  const subset = JSON.parse(readFileSync(file, 'utf8')) as {
    paths: Record<string, Record<string, SubsetOperation>>;
  };
  // GitHub's description is OpenAPI 3.0 (`nullable`, `example`, `x-github`…): not strict JSON Schema.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema({ ...subset, $id: SUBSET_ID });

  const operations: Operation[] = [];
  for (const [route, methods] of Object.entries(subset.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const pathNames: string[] = [];
      // A `{sha}` segment marked x-multi-segment may hold slashes; no operation we use needs that.
      const source = route.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_, name: string) => {
        pathNames.push(name);
        return '([^/]+)';
      });
      const body = operation.requestBody;
      operations.push({
        operationId: operation.operationId,
        method: method.toUpperCase(),
        route,
        parameters: operation.parameters,
        hasRequestBody: Boolean(body),
        requestBodyRequired: Boolean(body?.required),
        ...(body
          ? {
              validateBody: ajv.compile({
                $ref: `${SUBSET_ID}#/${pointer('paths', route, method, 'requestBody', 'content', 'application/json', 'schema')}`,
              }),
            }
          : {}),
        validateResponse: new Map(
          Object.entries(operation.responses)
            .filter(([, response]) => response.content)
            .map(([status, _response]) => [
              Number(status),
              ajv.compile({
                $ref: `${SUBSET_ID}#/${pointer('paths', route, method, 'responses', status, 'content', 'application/json', 'schema')}`,
              }),
            ]),
        ),
        pattern: new RegExp(`^${source}$`),
        pathNames,
      });
    }
  }
  return operations;
}

export interface MatchedOperation {
  operation: Operation;
  params: Record<string, string>;
}

/** The operation a method and path (without the query) name, preferring literal segments. */
export function matchOperation(
  operations: Operation[],
  method: string,
  pathname: string,
): MatchedOperation | undefined {
  const candidates = operations
    .filter((operation) => operation.method === method)
    .map((operation) => ({ operation, match: operation.pattern.exec(pathname) }))
    .filter((candidate) => candidate.match !== null)
    // `/repos/{o}/{r}/issues/comments/{id}` must win over `/repos/{o}/{r}/issues/{n}/comments`.
    .sort((a, b) => a.operation.pathNames.length - b.operation.pathNames.length);
  const best = candidates[0];
  if (!best?.match) return undefined;
  const params: Record<string, string> = {};
  best.operation.pathNames.forEach((name, index) => {
    params[name] = decodeURIComponent(best.match?.[index + 1] ?? '');
  });
  return { operation: best.operation, params };
}

/** Whether a path or query value fits its parameter's schema, as far as a string can. */
function fitsSchema(value: string, schema: Parameter['schema']): boolean {
  if (schema.enum && !schema.enum.includes(value)) return false;
  switch (schema.type) {
    case 'integer':
      return /^-?\d+$/.test(value);
    case 'number':
      return value.trim() !== '' && Number.isFinite(Number(value));
    case 'boolean':
      return value === 'true' || value === 'false';
    default:
      return true;
  }
}

export interface ParameterProblems {
  /** Path problems make GitHub answer 404: no such resource. */
  path: string[];
  /** Query problems make GitHub answer 422. */
  query: string[];
}

export function checkParameters(
  operation: Operation,
  params: Record<string, string>,
  query: URLSearchParams,
): ParameterProblems {
  const problems: ParameterProblems = { path: [], query: [] };
  for (const parameter of operation.parameters) {
    if (parameter.in === 'path') {
      const value = params[parameter.name];
      if (value === undefined || value === '')
        problems.path.push(`path parameter ${parameter.name} is missing`);
      else if (!fitsSchema(value, parameter.schema)) {
        problems.path.push(`path parameter ${parameter.name}=${value} is not a ${parameter.schema.type}`);
      }
    } else if (parameter.in === 'query') {
      const value = query.get(parameter.name);
      if (value === null) {
        if (parameter.required) problems.query.push(`query parameter ${parameter.name} is required`);
      } else if (!fitsSchema(value, parameter.schema)) {
        problems.query.push(
          `query parameter ${parameter.name}=${value} does not fit ${JSON.stringify(parameter.schema)}`,
        );
      }
    }
  }
  const known = new Set(operation.parameters.filter((p) => p.in === 'query').map((p) => p.name));
  for (const name of query.keys()) {
    if (!known.has(name))
      problems.query.push(`query parameter ${name} is not part of ${operation.operationId}`);
  }
  return problems;
}
