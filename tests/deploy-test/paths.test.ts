import { existsSync, mkdtempSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { builtProject, replayCsv, runDeployTest } from './project.js';

function edit(directory: string, from: string, to: string): void {
  const file = path.join(directory, 'mlops.yml');
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`mlops.yml has no "${from}"`);
  writeFileSync(file, text.replace(from, to));
}

/** Nothing was deployed: no server started, no deployment recorded. */
function nothingDeployed(directory: string): void {
  expect(existsSync(path.join(directory, 'run/staging.pid'))).toBe(false);
  expect(existsSync(path.join(directory, '.mlops-flow/deployments.jsonl'))).toBe(false);
}

describe('paths from mlops.yml stay inside the project, symlinks included', () => {
  test('a replay set that is a symlink to a file outside the project is refused, naming both', async () => {
    const { directory } = await builtProject();
    const outside = path.join(mkdtempSync(path.join(tmpdir(), 'mlops-flow-outside-')), 'secret.csv');
    writeFileSync(outside, replayCsv());
    const replay = path.join(directory, 'data/replay.csv');
    renameSync(replay, `${replay}.bak`);
    symlinkSync(outside, replay);
    await expect(runDeployTest(directory)).rejects.toThrow(
      `flow.deploy_test.replay "data/replay.csv" is a symlink to ${outside}, outside the project directory`,
    );
    nothingDeployed(directory);
  });

  test('a replay set with .. is refused', async () => {
    const { directory } = await builtProject();
    edit(directory, 'replay: data/replay.csv', 'replay: ../replay.csv');
    await expect(runDeployTest(directory)).rejects.toThrow(
      'flow.deploy_test.replay "../replay.csv" leaves the project directory',
    );
    nothingDeployed(directory);
  });

  test('a replay set linked inside the project is fine', async () => {
    const { directory } = await builtProject();
    symlinkSync('replay.csv', path.join(directory, 'data/linked.csv'));
    edit(directory, 'replay: data/replay.csv', 'replay: data/linked.csv');
    const { result } = await runDeployTest(directory);
    expect(result.verdict).toBe('pass');
  });

  test('{model} from a flow.build.model that leaves the project is refused before deploying', async () => {
    const { directory } = await builtProject();
    edit(directory, '    model: model/', '    model: ../../etc/');
    await expect(runDeployTest(directory)).rejects.toThrow(
      'flow.build.model "../../etc/" leaves the project directory',
    );
    nothingDeployed(directory);
  });

  test('{model} from a flow.build.model that is a symlink out of the project is refused', async () => {
    const { directory } = await builtProject();
    const outside = mkdtempSync(path.join(tmpdir(), 'mlops-flow-outside-'));
    symlinkSync(outside, path.join(directory, 'elsewhere'));
    edit(directory, '    model: model/', '    model: elsewhere/');
    await expect(runDeployTest(directory)).rejects.toThrow(
      `flow.build.model "elsewhere/" is a symlink to ${outside}, outside the project directory`,
    );
    nothingDeployed(directory);
  });
});
