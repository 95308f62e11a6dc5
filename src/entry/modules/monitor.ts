import { monitor, type MonitorSettings } from '../../stages/monitor/index.js';
import type { StageModule } from './module.js';

export const monitorModule: StageModule<MonitorSettings> = {
  definition: monitor,
  readSettings: () => ({}),
  // The production model is whichever served the log; the monitor needs no build of this commit.
  usesModel: false,
};
