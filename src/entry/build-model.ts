import { runAction } from './action.js';
import { notAvailable } from './not-available.js';
import { STAGE_MODULES } from './modules/index.js';

const load = STAGE_MODULES['build-model'];
if (load) await runAction(await load());
else notAvailable('build-model');
