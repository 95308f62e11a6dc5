import type { LoadedConfig } from '../config/load.js';
import type { StageResult } from '../core/result.js';
import type { StageName } from '../core/stages.js';
import type { Platform } from '../platform/ports.js';

/**
 * What every stage receives. Settings are the stage's typed inputs (from action inputs or CLI
 * flags); the platform is the only way out to GitHub, the file system store or the terminal.
 */
export interface StageContext<Settings> {
  loaded: LoadedConfig;
  settings: Settings;
  platform: Platform;
  /** The clock, injected so tests can pin dates (milestones, timestamps). */
  now: () => Date;
  /** The model this run is about (named by input, or the newest passing build of the commit). */
  modelDigest?: string;
}

export interface StageDefinition<Settings> {
  name: StageName;
  run(context: StageContext<Settings>): Promise<StageResult>;
  /** Outputs when the stage is refused before it runs (a missing prerequisite), so later steps can read them. */
  refusedOutputs?: Record<string, string>;
}
