import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { STAGES } from '../../src/core/stages.js';
import { VERSION } from '../../src/core/version.js';
import { readBoolean, readModelDigest, RecordingReader } from '../../src/entry/inputs.js';
import { MINIMAL_CONFIG, runCli, tempProject } from '../helpers/cli.js';

const root = path.resolve(import.meta.dirname, '../..');

describe('usage', () => {
  test('no command prints help and exits 2; --help exits 0', async () => {
    const directory = tempProject();
    const bare = await runCli([], directory);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toMatch(/Usage: mlops-flow <command>/);
    const help = await runCli(['--help'], directory);
    expect(help.code).toBe(0);
    for (const stage of STAGES) expect(help.stdout).toContain(stage);
  });

  test.each([...STAGES, 'run', 'approve'])('%s --help describes its options', async (command) => {
    const run = await runCli([command, '--help'], tempProject());
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`Usage: mlops-flow ${command}`));
    if (STAGES.includes(command as never)) expect(run.stdout).toContain('--config');
  });

  test('an unknown command or flag is a usage error, exit 2, no stack trace', async () => {
    const directory = tempProject({ 'mlops.yml': MINIMAL_CONFIG });
    const unknown = await runCli(['deploy'], directory);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: unknown command "deploy"\nhint: run `mlops-flow --help`/);
    const flag = await runCli(['validate-charter', '--colour'], directory);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/error: Unknown option '--colour'/);
    expect(flag.stderr).not.toMatch(/\bat .*:\d+:\d+/);
  });

  test('--version prints the package version', async () => {
    const run = await runCli(['--version'], tempProject());
    expect(run.stdout).toBe('0.0.0-test\n');
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(VERSION).toBe(pkg.version);
  });

  test('a missing config is bad input', async () => {
    const run = await runCli(['validate-charter'], tempProject());
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no config found at "mlops.yml" or ".github\/mlops.yml"/);
  });

  test('a bad model digest is refused with the expected shape', () => {
    expect(() => readModelDigest(new RecordingReader({ 'model-digest': 'abc' }))).toThrow(
      /sha256:<64 hex digits>/,
    );
    const digest = `sha256:${'0'.repeat(64)}`;
    expect(readModelDigest(new RecordingReader({ 'model-digest': digest }))).toBe(digest);
    expect(readBoolean(new RecordingReader({ x: 'yes' }), 'x', false)).toBe(true);
    expect(() => readBoolean(new RecordingReader({ x: 'maybe' }), 'x', false)).toThrow(/true or false/);
  });
});
