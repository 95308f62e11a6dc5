/**
 * Where the monitor reads from: the prediction log, the labels and the reference, each a path
 * in mlops.yml that must stay inside the project once links are resolved.
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import type { LoadedConfig } from '../../config/load.js';
import type { MonitorSpec } from '../../config/types.js';
import { UserError } from '../../flow/errors.js';

export interface MonitorSources {
  log: string;
  labels?: string;
  reference: string;
}

async function insideProject(loaded: LoadedConfig, relative: string, key: string): Promise<string> {
  const root = await realpath(loaded.projectRoot);
  const absolute = path.resolve(loaded.projectRoot, relative);
  const real = await realpath(absolute).catch(() => {
    throw new UserError(
      `flow.monitor.${key} "${relative}" does not exist`,
      `expected it at ${path.relative(loaded.projectRoot, absolute)}`,
    );
  });
  if (real !== root && !real.startsWith(root + path.sep)) {
    throw new UserError(`flow.monitor.${key} "${relative}" leaves the project directory`);
  }
  return real;
}

export async function resolveSources(loaded: LoadedConfig, spec: MonitorSpec): Promise<MonitorSources> {
  const referencePath = spec.reference ?? loaded.config.flow?.build?.predictions;
  if (!referencePath) {
    throw new UserError(
      'the monitor has nothing to compare production with: set flow.monitor.reference (or flow.build.predictions)',
    );
  }
  return {
    log: await insideProject(loaded, spec.log, 'log'),
    ...(spec.labels ? { labels: await insideProject(loaded, spec.labels, 'labels') } : {}),
    reference: await insideProject(
      loaded,
      referencePath,
      spec.reference ? 'reference' : 'reference (flow.build.predictions)',
    ),
  };
}

/** A window length: 30m, 6h, 1d… (days allowed here: monitoring windows are long). */
export function windowLength(text: string | undefined): number {
  if (!text) return 86_400_000;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text);
  if (!match) throw new UserError(`flow.monitor.window "${text}" is not a duration such as 1h or 1d`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
    match[2] as 'ms' | 's' | 'm' | 'h' | 'd'
  ];
  const length = Number(match[1]) * unit;
  if (!(length >= 1000)) throw new UserError(`flow.monitor.window "${text}" is shorter than a second`);
  return length;
}
