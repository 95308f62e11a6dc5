import { main } from './main.js';
import { VERSION } from '../core/version.js';

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  version: VERSION,
});
