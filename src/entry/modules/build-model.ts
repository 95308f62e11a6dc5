import { buildModel, type BuildModelSettings } from '../../stages/build-model/index.js';
import { UserError } from '../../flow/errors.js';
import { readBoolean, type InputReader } from '../inputs.js';
import type { StageModule } from './module.js';

function readProductionMetrics(reader: InputReader): Record<string, number> | undefined {
  const text = reader.get('production-metrics');
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UserError('input "production-metrics" must be a JSON object such as {"precision": 0.78}');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UserError('input "production-metrics" must be a JSON object such as {"precision": 0.78}');
  }
  const metrics: Record<string, number> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new UserError(`input "production-metrics": ${name} must be a number`);
    }
    metrics[name] = value;
  }
  return metrics;
}

export const buildModelModule: StageModule<BuildModelSettings> = {
  definition: buildModel,
  readSettings: (reader) => {
    const baseRef = reader.get('base-ref');
    const productionMetrics = readProductionMetrics(reader);
    return {
      force: readBoolean(reader, 'force', false),
      ...(baseRef ? { baseRef } : {}),
      ...(productionMetrics ? { productionMetrics } : {}),
    };
  },
  usesModel: false,
};
