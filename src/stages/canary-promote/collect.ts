import type { CanaryMetricSpec } from '../../config/types.js';
import type { MetricSamples } from '../../canary/judge.js';
import type { MetricProvider, TimeWindow } from '../../canary/providers/index.js';

export interface CollectedStep {
  samples: Map<string, MetricSamples>;
  /** Why a metric could not be read, by metric id: it is judged NoData. */
  errors: Map<string, string>;
}

/**
 * Reads every metric for both variants, side by side. A provider that fails leaves the metric
 * unmeasured (with the reason kept); an abort propagates, since the rollout stops anyway.
 */
export async function collectStep(
  provider: MetricProvider,
  metrics: readonly CanaryMetricSpec[],
  windows: { baseline: TimeWindow; canary: TimeWindow },
  signal?: AbortSignal,
): Promise<CollectedStep> {
  const samples = new Map<string, MetricSamples>();
  const errors = new Map<string, string>();
  await Promise.all(
    metrics.map(async (metric) => {
      const read = async (variant: 'baseline' | 'canary') => {
        try {
          return await provider.samples({
            metric,
            variant,
            window: windows[variant],
            ...(signal ? { signal } : {}),
          });
        } catch (error) {
          if (signal?.aborted) throw error;
          errors.set(metric.id, (error as Error).message);
          return [];
        }
      };
      const [baseline, canary] = await Promise.all([read('baseline'), read('canary')]);
      samples.set(metric.id, { baseline, canary });
    }),
  );
  return { samples, errors };
}
