import { runAction } from '../action.js';
import { monitorModule } from '../modules/monitor.js';

/** The monitor action's logic, apart from its entry file so a debugger (local-action) can call it. */
export const run = (): Promise<void> => runAction(monitorModule);
