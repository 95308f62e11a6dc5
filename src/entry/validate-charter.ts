import { runAction } from './action.js';
import { validateCharterModule } from './modules/validate-charter.js';

await runAction(validateCharterModule);
