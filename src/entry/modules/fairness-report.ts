import { fairnessReport, type FairnessReportSettings } from '../../stages/fairness-report/index.js';
import type { StageModule } from './module.js';

export const fairnessReportModule: StageModule<FairnessReportSettings> = {
  definition: fairnessReport,
  readSettings: (reader) => {
    const predictions = reader.get('predictions');
    return predictions ? { predictions } : {};
  },
  usesModel: true,
};
