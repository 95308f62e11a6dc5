import { validateCharter, type ValidateCharterSettings } from '../../stages/validate-charter/index.js';
import { readBoolean } from '../inputs.js';
import type { StageModule } from './module.js';

export const validateCharterModule: StageModule<ValidateCharterSettings> = {
  definition: validateCharter,
  readSettings: (reader) => ({ resolveHandles: readBoolean(reader, 'resolve-handles', true) }),
  usesModel: false,
};
