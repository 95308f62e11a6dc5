#!/usr/bin/env node
// Runs before `npm test`: the real-server suites drive real programs (nginx, Prometheus, Python
// with scikit-learn…) and fail, never skip, without them. Rather than let a dozen suites fail
// with ENOENT, stop here with one line that names what to install on Debian/Ubuntu and macOS.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** What the tests need; `found` says whether this machine has it. */
const prerequisites = [
  {
    what: 'nginx',
    debian: 'nginx',
    brew: 'nginx',
    found: () => onPath('nginx', ['/usr/sbin/nginx']),
  },
  {
    what: 'Prometheus',
    debian: 'prometheus',
    brew: 'prometheus',
    found: () => onPath('prometheus', ['/usr/bin/prometheus']),
  },
  {
    what: 'Python 3 with scikit-learn and pandas',
    debian: 'python3-sklearn python3-pandas',
    brew: 'python && pip3 install scikit-learn pandas',
    found: () => runs('python3', ['-c', 'import sklearn, pandas']),
  },
];

function onPath(program, extraCandidates) {
  const directories = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const candidates = [...directories.map((directory) => path.join(directory, program)), ...extraCandidates];
  return candidates.some((candidate) => existsSync(candidate));
}

function runs(program, args) {
  try {
    execFileSync(program, args, { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

const missing = prerequisites.filter((prerequisite) => !prerequisite.found());
if (missing.length > 0) {
  const names = missing.map((prerequisite) => prerequisite.what).join(', ');
  const debian = missing.map((prerequisite) => prerequisite.debian).join(' ');
  const brew = missing.map((prerequisite) => prerequisite.brew).join(' ');
  console.error(
    `The tests need ${names}: on Debian/Ubuntu run \`sudo apt-get install -y ${debian}\`, ` +
      `on macOS \`brew install ${brew}\` (the README's "Developing" section says why).`,
  );
  process.exit(1);
}
