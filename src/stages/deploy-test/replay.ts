import {
  EndpointError,
  toInstance,
  type EndpointClient,
  type Instance,
} from '../../deploy/endpoint-client.js';
import { TransportError } from '../../deploy/http.js';
import { UserError } from '../../flow/errors.js';
import type { Table } from '../sanity-check/behaviour.js';
import type { BinaryPredictions } from '../sanity-check/metrics.js';

/** Rows per request: large enough to be quick, far below any sane body limit. */
export const REPLAY_BATCH_SIZE = 100;
/** A batch that fails is tried this many times in all: one failed request is the load test's business. */
const ATTEMPTS = 3;

const POSITIVE = new Set(['1', 'true', 'yes', '1.0']);
const NEGATIVE = new Set(['0', 'false', 'no', '0.0']);

/**
 * The replay set's label column. mlops.yml has no field for it yet, so it is, in order: the
 * label column named in flow.fairness when the replay set has it, a column named `label`, or
 * the one column the replay set has beyond the sanity sample's (the sample is the same rows
 * without the label).
 */
export function labelColumn(
  replay: Table,
  file: string,
  hints: { fairnessLabel?: string; sampleColumns?: readonly string[] },
): string {
  if (hints.fairnessLabel && replay.columns.includes(hints.fairnessLabel)) return hints.fairnessLabel;
  if (replay.columns.includes('label')) return 'label';
  if (hints.sampleColumns) {
    const sample = new Set(hints.sampleColumns);
    const extra = replay.columns.filter((column) => !sample.has(column));
    if (extra.length === 1) return extra[0] as string;
  }
  throw new UserError(
    `cannot tell which column of ${file} is the label: name it "label", or ${
      hints.fairnessLabel ? `"${hints.fairnessLabel}" (flow.fairness.label), or ` : ''
    }give flow.sanity.sample the same columns without it`,
  );
}

/** The label of every row as 0/1, positive being `positiveLabel` (default 1 / true). */
export function binaryLabels(replay: Table, file: string, label: string, positiveLabel?: string): Uint8Array {
  const labels = new Uint8Array(replay.rows.length);
  replay.rows.forEach((row, index) => {
    const value = (row[label] ?? '').trim();
    if (positiveLabel !== undefined) labels[index] = value === positiveLabel ? 1 : 0;
    else if (POSITIVE.has(value.toLowerCase())) labels[index] = 1;
    else if (NEGATIVE.has(value.toLowerCase())) labels[index] = 0;
    else
      throw new UserError(
        `${file}, row ${index + 1}, column ${label}: "${value}" is not a binary label (0/1)`,
      );
  });
  return labels;
}

export function instancesOf(replay: Table, label: string): Instance[] {
  const without = new Set([label]);
  return replay.rows.map((row) => toInstance(row, without));
}

export interface ReplayOutcome {
  rows: number;
  /** Rows the endpoint scored; metrics are computed on these. */
  scored: number;
  batches: number;
  failedBatches: number;
  /** The first failure, for the report. */
  failure?: string;
  durationMs: number;
  data: BinaryPredictions;
}

/**
 * Sends the replay rows (without their label) in batches, in order, and pairs each prediction
 * with its label. A batch is retried on a transport error or 5xx; one that still fails leaves
 * its rows out, and the outcome says so. When the client's signal aborts, the replay stops and
 * rejects with its reason.
 */
export async function replay(
  client: EndpointClient,
  instances: readonly Instance[],
  labels: Uint8Array,
  options: { batchSize?: number; onBatch?: (done: number, total: number) => void } = {},
): Promise<ReplayOutcome> {
  const size = options.batchSize ?? REPLAY_BATCH_SIZE;
  const started = performance.now();
  const keptLabels: number[] = [];
  const predictions: number[] = [];
  const scores: number[] = [];
  let allScored = true;
  let failedBatches = 0;
  let failure: string | undefined;
  const batches = Math.ceil(instances.length / size);
  for (let batch = 0; batch < batches; batch++) {
    const from = batch * size;
    const slice = instances.slice(from, from + size);
    let answer: Awaited<ReturnType<EndpointClient['predict']>> | undefined;
    for (let attempt = 1; attempt <= ATTEMPTS && !answer; attempt++) {
      try {
        answer = await client.predict(slice);
      } catch (error) {
        client.signal?.throwIfAborted(); // cancelled: no retry, no verdict
        const retryable =
          error instanceof TransportError ||
          (error instanceof EndpointError && /^HTTP 5\d\d/.test(error.message));
        if (!retryable || attempt === ATTEMPTS) {
          failure ??= `rows ${from + 1}–${from + slice.length}: ${(error as Error).message}`;
          break;
        }
      }
    }
    if (!answer) {
      failedBatches++;
      continue;
    }
    answer.forEach((prediction, i) => {
      keptLabels.push(labels[from + i] as number);
      predictions.push(prediction.prediction);
      if (prediction.score === undefined) allScored = false;
      else scores.push(prediction.score);
    });
    options.onBatch?.(batch + 1, batches);
  }
  return {
    rows: instances.length,
    scored: predictions.length,
    batches,
    failedBatches,
    ...(failure ? { failure } : {}),
    durationMs: performance.now() - started,
    data: {
      labels: Uint8Array.from(keptLabels),
      predictions: Uint8Array.from(predictions),
      ...(allScored && scores.length > 0 ? { scores: Float64Array.from(scores) } : {}),
    },
  };
}
