import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import schema from '../../schema/mlops.schema.json' with { type: 'json' };
import type { ConfigDiagnostic } from './diagnostics.js';
import { closestMatch } from './suggest.js';
import type { PathSegment, YamlSource } from './yaml-source.js';

// ajv-formats is CommonJS; under NodeNext its default export arrives as the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv2020({ strict: true, allErrors: true, verbose: true, allowUnionTypes: true });
    addFormats(ajv);
    compiled = ajv.compile(schema);
  }
  return compiled;
}

export { schema as configSchema };

/** Validates parsed YAML against schema/mlops.schema.json; returns located, readable diagnostics. */
export function validateAgainstSchema(source: YamlSource): ConfigDiagnostic[] {
  const validate = validator();
  if (validate(source.data)) return [];
  return explainErrors(validate.errors ?? [], source);
}

function pathOf(instancePath: string): PathSegment[] {
  if (instancePath === '') return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

function dotted(path: readonly PathSegment[]): string {
  if (path.length === 0) return 'the top level';
  return path.reduce<string>(
    (text, segment) =>
      typeof segment === 'number' ? `${text}[${segment}]` : text ? `${text}.${segment}` : segment,
    '',
  );
}

function show(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

function describe(schemaNode: unknown): string | undefined {
  const description = (schemaNode as { description?: unknown } | undefined)?.description;
  return typeof description === 'string' ? description : undefined;
}

/**
 * ajv reports every failing branch of a `oneOf`; people want one sentence. Errors inside a
 * failed oneOf are folded into the oneOf's own error, which the schema describes in words.
 */
function explainErrors(errors: ErrorObject[], source: YamlSource): ConfigDiagnostic[] {
  const oneOfPaths = errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath);
  const kept = errors.filter((error) => {
    if (error.keyword === 'oneOf') return true;
    if (!error.schemaPath.includes('/oneOf/')) return true;
    return !oneOfPaths.some(
      (path) => error.instancePath === path || error.instancePath.startsWith(`${path}/`),
    );
  });
  // A misspelt required key shows up twice: as unknown and as missing. Say it once.
  const misspelt = new Set(
    kept
      .filter((error) => error.keyword === 'additionalProperties')
      .map((error) => {
        const key = String((error.params as { additionalProperty: string }).additionalProperty);
        const allowed = Object.keys(
          (error.parentSchema as { properties?: object } | undefined)?.properties ?? {},
        );
        return `${error.instancePath}|${closestMatch(key, allowed) ?? ''}`;
      }),
  );
  const withoutEchoes = kept.filter(
    (error) =>
      error.keyword !== 'required' ||
      !misspelt.has(`${error.instancePath}|${(error.params as { missingProperty: string }).missingProperty}`),
  );
  // `if`/`then` and `$ref` chains can repeat an error; keep one per place and kind.
  const seen = new Set<string>();
  const diagnostics: ConfigDiagnostic[] = [];
  for (const error of withoutEchoes) {
    const key = `${error.instancePath}|${error.keyword}|${JSON.stringify(error.params)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    diagnostics.push(explain(error, source));
  }
  return diagnostics.sort(
    (a, b) => a.location.line - b.location.line || a.location.column - b.location.column,
  );
}

function explain(error: ErrorObject, source: YamlSource): ConfigDiagnostic {
  const path = pathOf(error.instancePath);
  const where = dotted(path);
  const diagnostic = (rule: string, message: string, at = source.locate(path)): ConfigDiagnostic => ({
    severity: 'error',
    rule,
    message,
    location: at,
  });
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String((error.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys(
        (error.parentSchema as { properties?: object } | undefined)?.properties ?? {},
      );
      const suggestion = closestMatch(key, allowed);
      const hint = suggestion
        ? `; did you mean "${suggestion}"?`
        : allowed.length > 0
          ? `; allowed here: ${allowed.join(', ')}`
          : '';
      return diagnostic(
        'unknown-key',
        `unknown key "${key}" in ${where}${hint}`,
        source.locate([...path, key], 'key'),
      );
    }
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      const at = path.length > 0 ? source.locate(path, 'key') : source.locate([]);
      return diagnostic('missing-key', `${where} is missing the required key "${missing}"`, at);
    }
    case 'type': {
      const expected = (error.params as { type: string | string[] }).type;
      const list = Array.isArray(expected) ? expected.join(' or ') : expected;
      return diagnostic('wrong-type', `${where} must be ${article(list)}, not ${show(error.data)}`);
    }
    case 'enum': {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map(String);
      const suggestion = typeof error.data === 'string' ? closestMatch(error.data, allowed) : undefined;
      return diagnostic(
        'not-allowed',
        `${where} must be one of ${allowed.join(', ')}, not ${show(error.data)}${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
      );
    }
    case 'const':
      return diagnostic(
        'not-allowed',
        `${where} must be ${JSON.stringify((error.params as { allowedValue: unknown }).allowedValue)}, not ${show(error.data)}`,
      );
    case 'oneOf':
    case 'pattern':
    case 'format': {
      const description = describe(error.parentSchema) ?? describe(error.schema);
      const what = description
        ? description
        : `${error.keyword === 'format' ? 'a valid ' : 'matching '}${String(error.schema)}`;
      return diagnostic('invalid-value', `${where} must be ${what}, not ${show(error.data)}`);
    }
    case 'minLength':
    case 'minItems':
      return diagnostic('empty-value', `${where} must not be empty`);
    default:
      return diagnostic('invalid-value', `${where} ${error.message ?? 'is invalid'}`);
  }
}

function article(type: string): string {
  if (type === 'object') return 'a mapping';
  if (type === 'array') return 'a list';
  if (type === 'integer') return 'a whole number';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
