import { sanityCheck, type SanityCheckSettings } from '../../stages/sanity-check/index.js';
import type { StageModule } from './module.js';

export const sanityCheckModule: StageModule<SanityCheckSettings> = {
  definition: sanityCheck,
  readSettings: () => ({}),
  usesModel: true,
};
