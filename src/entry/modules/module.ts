import type { StageDefinition } from '../../stages/stage.js';
import type { InputReader } from '../inputs.js';

/**
 * How an entry point (action or CLI) runs a stage: its definition, how its typed settings are
 * read from inputs, and whether it works on one built model (reads `model-digest`).
 */
export interface StageModule<Settings> {
  definition: StageDefinition<Settings>;
  readSettings(reader: InputReader): Settings;
  usesModel: boolean;
}
