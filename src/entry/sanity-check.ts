import { runAction } from './action.js';
import { notAvailable } from './not-available.js';
import { STAGE_MODULES } from './modules/index.js';

const load = STAGE_MODULES['sanity-check'];
if (load) await runAction(await load());
else notAvailable('sanity-check');
