import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { parse } from 'yaml';

const directory = path.resolve(import.meta.dirname, '../../examples/credit-scoring/.github/workflows');
interface Job {
  if?: string;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  steps?: { uses?: string; run?: string; with?: Record<string, unknown> }[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: unknown;
  concurrency: { group: string };
  jobs: Record<string, Job>;
}
const read = (name: string) => parse(readFileSync(path.join(directory, name), 'utf8')) as Workflow;

describe("the example's workflow", () => {
  const workflow = read('mlops.yml');

  test('pins actions/checkout and actions/setup-node at v5, which run on node24 (no node20 deprecation)', () => {
    const text = readFileSync(path.join(directory, 'mlops.yml'), 'utf8');
    const pins = [...text.matchAll(/uses: (actions\/(?:checkout|setup-node))@([0-9a-f]{40}) # (v\d+)/g)];
    expect(pins.length).toBeGreaterThan(10);
    for (const [, , , version] of pins) expect(version).toBe('v5');
  });

  test('groups runs per kind of job: a rollout waiting for approval holds only the production group', () => {
    expect(workflow.concurrency.group).toContain("format('mlops-pr-{0}', github.ref)");
    expect(workflow.concurrency.group).toContain("format('mlops-run-{0}', github.run_id)");
    expect(workflow.jobs.canary?.concurrency).toEqual({
      group: 'mlops-production',
      'cancel-in-progress': false,
    });
    expect(workflow.jobs['deploy-test']?.concurrency).toEqual({
      group: 'mlops-staging',
      'cancel-in-progress': false,
    });
  });

  test('pull requests run deploy-test against an ephemeral server on the runner; pushes use staging', () => {
    const onPullRequest = workflow.jobs['deploy-test-pr'] as Job & {
      environment?: unknown;
      needs?: string[];
    };
    const onPush = workflow.jobs['deploy-test'] as Job & { environment?: unknown };
    expect(onPullRequest.if).toBe("github.event_name == 'pull_request'");
    expect(onPullRequest.environment).toBeUndefined();
    expect(onPullRequest.needs).toEqual(['build', 'sanity', 'fairness']);
    expect(onPullRequest.steps?.at(-1)?.uses).toMatch(/^mlops-flow\/mlops-flow\/actions\/deploy-test@/);
    expect(onPush.if).toBe("github.event_name != 'pull_request'");
    expect(onPush.environment).toBe('staging');
    // The example's deploy command starts its server on the runner, so a PR job can test it.
    const charter = readFileSync(path.join(directory, '../../mlops.yml'), 'utf8');
    expect(charter).toMatch(/deploy: node scripts\/deploy\.mjs \{environment\} \{model\} \{endpoint\}/);
    expect(charter).toMatch(/endpoint: http:\/\/127\.0\.0\.1:\d+\/predict/);
  });

  test("a fork's or Dependabot's pull request runs every check in one read-only job and uploads the comment", () => {
    const job = workflow.jobs['read-only-pr'] as Job;
    expect(job.if).toMatch(
      /head\.repo\.full_name != github\.repository \|\| github\.actor == 'dependabot\[bot\]'/,
    );
    expect(workflow.jobs.charter?.if).toContain(`!(${job.if})`);
    expect(job.permissions).toEqual({ contents: 'read', actions: 'read' });
    const uses = (job.steps ?? []).map((step) => step.uses?.replace(/@.*/, ''));
    expect(uses).toEqual([
      'actions/checkout',
      'actions/setup-node',
      'mlops-flow/mlops-flow/actions/validate-charter',
      'mlops-flow/mlops-flow/actions/build-model',
      'mlops-flow/mlops-flow/actions/sanity-check',
      'mlops-flow/mlops-flow/actions/fairness-report',
      'actions/upload-artifact',
    ]);
    expect(job.steps?.at(-1)?.with).toMatchObject({
      name: 'mlops-flow-pr-comment',
      path: '${{ runner.temp }}/mlops-flow/pr-comment/',
    });
  });

  test('the companion posts that comment from workflow_run with the base token and never checks out PR code', () => {
    const companion = read('mlops-comment.yml');
    expect(companion.on).toEqual({ workflow_run: { workflows: ['mlops'], types: ['completed'] } });
    expect(companion.permissions).toEqual({});
    const steps = companion.jobs.comment?.steps ?? [];
    expect(steps.map((step) => step.uses?.replace(/@.*/, ''))).toEqual([
      'actions/download-artifact',
      'actions/github-script',
    ]);
    expect(steps.some((step) => step.run !== undefined)).toBe(false);
    expect(String(steps[1]?.with?.script)).toContain('pull.head.sha !== process.env.HEAD_SHA');
  });
});
