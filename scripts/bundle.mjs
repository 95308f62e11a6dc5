#!/usr/bin/env node
// Bundles each action's entry point and the CLI into one self-contained file each, so a
// SHA-pinned `uses:` runs without a build: dist/<stage>/index.js, dist/run/index.js (the root
// action) and dist/cli/index.js. `node scripts/bundle.mjs OUTDIR` writes elsewhere (check-dist).
import { build } from 'esbuild';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.resolve(root, process.argv[2] ?? 'dist');
const entries = {
  'validate-charter': 'src/entry/validate-charter.ts',
  'build-model': 'src/entry/build-model.ts',
  'sanity-check': 'src/entry/sanity-check.ts',
  'fairness-report': 'src/entry/fairness-report.ts',
  'deploy-test': 'src/entry/deploy-test.ts',
  'canary-promote': 'src/entry/canary-promote.ts',
  monitor: 'src/entry/monitor.ts',
  run: 'src/entry/run.ts',
  cli: 'src/cli/index.ts',
};

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
// The bundles are ES modules whatever package.json around them says.
writeFileSync(path.join(outdir, 'package.json'), '{ "type": "module" }\n');

await Promise.all(
  Object.entries(entries).map(([name, entry]) =>
    build({
      entryPoints: [path.join(root, entry)],
      outfile: path.join(outdir, name, 'index.js'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      charset: 'utf8',
      legalComments: 'eof',
      logLevel: 'warning',
      absWorkingDir: root,
      // CommonJS dependencies call require(); give the ES module bundle a real one.
      banner: {
        js: [
          name === 'cli' ? '#!/usr/bin/env node' : '',
          "import { createRequire as __mlopsCreateRequire } from 'node:module';",
          'const require = __mlopsCreateRequire(import.meta.url);',
        ]
          .filter(Boolean)
          .join('\n'),
      },
    }),
  ),
);
// The CLI is the package's bin: executable, so npm does not need to change its mode (which
// would show a fresh clone as modified).
chmodSync(path.join(outdir, 'cli', 'index.js'), 0o755);
console.error(
  `bundled ${Object.keys(entries).length} entry points into ${path.relative(root, outdir) || outdir}`,
);
