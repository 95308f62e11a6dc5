import { notAvailable } from '../not-available.js';

/** The canary-promote action's logic, apart from its entry file so a debugger (local-action) can call it. */
export async function run(): Promise<void> {
  notAvailable('canary-promote');
}
