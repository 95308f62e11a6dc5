import { runAction } from './action.js';
import { buildModelModule } from './modules/build-model.js';

await runAction(buildModelModule);
