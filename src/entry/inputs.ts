import { UserError } from '../flow/errors.js';
import type { StageName } from '../core/stages.js';

/**
 * One way to read a stage's inputs, whether they come from action inputs (`INPUT_*`) or CLI
 * flags. Every input a stage reads goes through here, so a test can compare what an entry
 * point reads with what its action.yml declares.
 */
export interface InputReader {
  /** The input's value, or undefined when it is unset or empty. */
  get(name: string): string | undefined;
}

export function readBoolean(reader: InputReader, name: string, fallback: boolean): boolean {
  const value = reader.get(name);
  if (value === undefined) return fallback;
  if (/^(true|yes|1|on)$/i.test(value)) return true;
  if (/^(false|no|0|off)$/i.test(value)) return false;
  throw new UserError(`input "${name}" must be true or false, not "${value}"`);
}

/** Inputs every stage takes. */
export interface CommonSettings {
  config: string;
}

export function readCommon(reader: InputReader): CommonSettings {
  return { config: reader.get('config') ?? 'mlops.yml' };
}

/** Stages after build-model work on one model, named by its digest. */
export function readModelDigest(reader: InputReader): string | undefined {
  const digest = reader.get('model-digest');
  if (digest !== undefined && !/^sha256:[0-9a-f]{64}$/.test(digest)) {
    throw new UserError(`input "model-digest" must look like sha256:<64 hex digits>, not "${digest}"`);
  }
  return digest;
}

/** Records every name asked for: the test that keeps entry points and action.yml in step. */
export class RecordingReader implements InputReader {
  readonly names = new Set<string>();
  constructor(private readonly values: Record<string, string> = {}) {}
  get(name: string): string | undefined {
    this.names.add(name);
    return this.values[name];
  }
}

export type { StageName };
