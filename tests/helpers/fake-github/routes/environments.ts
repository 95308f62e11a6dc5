import type { FakeRequest, FakeRoute } from '../index.js';
import type { FakeEnvironment, FakeState } from '../state.js';
import { WEB, notFound, teamJson, userJson } from './shared.js';

function environmentJson(
  environment: FakeEnvironment,
  request: FakeRequest,
  state: FakeState,
): Record<string, unknown> {
  const repo = `${request.baseUrl}/repos/${state.owner}/${state.repo}`;
  return {
    id: environment.name.length * 101,
    node_id: `EN_${environment.name}`,
    name: environment.name,
    url: `${repo}/environments/${encodeURIComponent(environment.name)}`,
    html_url: `${WEB}/${state.owner}/${state.repo}/deployments/activity_log?environments_filter=${encodeURIComponent(environment.name)}`,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
  };
}

export const environmentRoutes: FakeRoute[] = [
  {
    operationId: 'repos/get-environment',
    permissions: [{ scope: 'actions', level: 'read' }],
    handle(request, state, respond) {
      const environment = state.environments.get(request.params.environment_name ?? '');
      if (!environment) return notFound(respond);
      const rules: Record<string, unknown>[] = [];
      if (environment.waitTimerMinutes > 0) {
        rules.push({
          id: 1,
          node_id: 'GA_wait',
          type: 'wait_timer',
          wait_timer: environment.waitTimerMinutes,
        });
      }
      if (environment.reviewers.length > 0) {
        rules.push({
          id: 2,
          node_id: 'GA_reviewers',
          type: 'required_reviewers',
          prevent_self_review: false,
          reviewers: environment.reviewers.map((reviewer) =>
            reviewer.type === 'User'
              ? {
                  type: 'User',
                  reviewer: userJson(
                    state.users.get(reviewer.login) ?? { login: reviewer.login, id: 1, type: 'User' },
                    request,
                  ),
                }
              : {
                  type: 'Team',
                  reviewer: teamJson(
                    { org: reviewer.org, slug: reviewer.slug, name: reviewer.slug, id: 77 },
                    request,
                  ),
                },
          ),
        });
      }
      if (environment.branchPolicy) rules.push({ id: 3, node_id: 'GA_branch', type: 'branch_policy' });
      respond(200, {
        ...environmentJson(environment, request, state),
        protection_rules: rules,
        deployment_branch_policy: environment.branchPolicy
          ? {
              protected_branches: 'protectedBranches' in environment.branchPolicy,
              custom_branch_policies: 'customBranchPolicies' in environment.branchPolicy,
            }
          : null,
      });
    },
  },
  {
    operationId: 'actions/get-reviews-for-run',
    permissions: [{ scope: 'actions', level: 'read' }],
    handle(request, state, respond) {
      const runId = Number(request.params.run_id);
      respond(
        200,
        state.runReviews
          .filter((review) => review.runId === runId)
          .map((review) => ({
            environments: review.environments.map((name) =>
              environmentJson(
                state.environments.get(name) ?? {
                  name,
                  reviewers: [],
                  waitTimerMinutes: 0,
                  branchPolicy: null,
                },
                request,
                state,
              ),
            ),
            state: review.state,
            user: userJson(review.user, request),
            comment: review.comment,
          })),
      );
    },
  },
];
