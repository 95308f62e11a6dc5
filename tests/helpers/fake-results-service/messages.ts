/**
 * The request messages of `github.actions.results.api.v1.ArtifactService`, as the client's
 * generated protobuf-ts code encodes them in JSON (`useProtoFieldName: true`,
 * `emitDefaultValues: false`): snake_case names, int64 and Int64Value as decimal strings,
 * Timestamp as RFC 3339, StringValue as a bare string. Fields holding their default value are
 * left out by the client, so none is required on the wire; the service checks what it needs.
 */

type FieldType = 'string' | 'int32' | 'int64' | 'timestamp' | 'StringValue' | 'Int64Value';

const messages = {
  CreateArtifact: {
    workflow_run_backend_id: 'string',
    workflow_job_run_backend_id: 'string',
    name: 'string',
    expires_at: 'timestamp',
    version: 'int32',
    mime_type: 'StringValue',
  },
  FinalizeArtifact: {
    workflow_run_backend_id: 'string',
    workflow_job_run_backend_id: 'string',
    name: 'string',
    size: 'int64',
    hash: 'StringValue',
  },
  ListArtifacts: {
    workflow_run_backend_id: 'string',
    workflow_job_run_backend_id: 'string',
    name_filter: 'StringValue',
    id_filter: 'Int64Value',
  },
  GetSignedArtifactURL: {
    workflow_run_backend_id: 'string',
    workflow_job_run_backend_id: 'string',
    name: 'string',
  },
  DeleteArtifact: {
    workflow_run_backend_id: 'string',
    workflow_job_run_backend_id: 'string',
    name: 'string',
  },
} as const satisfies Record<string, Record<string, FieldType>>;

export type TwirpMethod = keyof typeof messages;

export const twirpMethods = Object.keys(messages) as TwirpMethod[];

/** The decoded fields of a request; every value is a string or a number after validation. */
export type RequestFields = Partial<Record<string, string | number>>;

const int64 = /^-?\d{1,19}$/;
const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

function fieldProblem(type: FieldType, value: unknown): string | undefined {
  switch (type) {
    case 'string':
    case 'StringValue':
      return typeof value === 'string' ? undefined : 'a string';
    case 'int32':
      return Number.isInteger(value) && Math.abs(value as number) < 2 ** 31 ? undefined : 'an int32 number';
    case 'int64':
    case 'Int64Value':
      // protobuf-ts writes 64-bit integers as strings so no precision is lost.
      return typeof value === 'string' && int64.test(value) ? undefined : 'an int64 as a decimal string';
    case 'timestamp':
      return typeof value === 'string' && rfc3339.test(value) && !Number.isNaN(Date.parse(value))
        ? undefined
        : 'an RFC 3339 timestamp';
  }
}

/** Checks a request body against its message; returns the fields or the first problem found. */
export function decodeRequest(
  method: TwirpMethod,
  body: unknown,
): { fields: RequestFields } | { problem: string } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return { problem: `${method}Request must be a JSON object` };
  }
  const schema: Record<string, FieldType> = messages[method];
  const fields: RequestFields = {};
  for (const [key, value] of Object.entries(body)) {
    const type = schema[key];
    if (!type) return { problem: `${method}Request has no field "${key}"` };
    const problem = fieldProblem(type, value);
    if (problem)
      return { problem: `${method}Request.${key} must be ${problem}, got ${JSON.stringify(value)}` };
    fields[key] = value as string | number;
  }
  return { fields };
}
