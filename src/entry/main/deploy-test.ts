import { notAvailable } from '../not-available.js';

/** The deploy-test action's logic, apart from its entry file so a debugger (local-action) can call it. */
export async function run(): Promise<void> {
  notAvailable('deploy-test');
}
