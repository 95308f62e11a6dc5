import type { CanarySpec } from '../../config/types.js';
import { httpUrlProblem } from '../../config/urls.js';
import { UserError } from '../../flow/errors.js';
import { CommandProvider } from './command.js';
import { HttpProvider } from './http.js';
import { PrometheusProvider } from './prometheus.js';
import type { MetricProvider } from './provider.js';

export type { MetricProvider, SampleRequest, TimeWindow, Variant } from './provider.js';
export { ProviderError } from './provider.js';

/** The provider flow.canary.analysis names (Prometheus when unnamed). */
export function createProvider(
  analysis: NonNullable<CanarySpec['analysis']>,
  commands: { cwd: string; env: Record<string, string> },
): MetricProvider {
  const provider = analysis.provider ?? 'prometheus';
  if (provider === 'command') {
    if (analysis.command === undefined)
      throw new UserError('flow.canary.analysis.command is required by the command provider');
    return new CommandProvider({ command: analysis.command, ...commands });
  }
  if (!analysis.address) {
    throw new UserError(
      `flow.canary.analysis.address is required by the ${provider} provider`,
      'e.g. address: http://127.0.0.1:9090',
    );
  }
  const problem = httpUrlProblem(analysis.address, 'flow.canary.analysis.address');
  if (problem) throw new UserError(problem);
  return provider === 'http'
    ? new HttpProvider({ address: analysis.address })
    : new PrometheusProvider({ address: analysis.address });
}
