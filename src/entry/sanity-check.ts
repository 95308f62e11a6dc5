import { runAction } from './action.js';
import { sanityCheckModule } from './modules/sanity-check.js';

await runAction(sanityCheckModule);
