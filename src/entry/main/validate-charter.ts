import { runAction } from '../action.js';
import { validateCharterModule } from '../modules/validate-charter.js';

/** The validate-charter action's logic, apart from its entry file so a debugger (local-action) can call it. */
export const run = (): Promise<void> => runAction(validateCharterModule);
