/**
 * What the fake GitHub remembers between requests, and who may do what. Tests seed it directly
 * (`fake.state.pulls.set(…)`) and read it back to assert on effects.
 */

export type PermissionScope =
  | 'actions'
  | 'checks'
  | 'contents'
  | 'deployments'
  | 'issues'
  | 'metadata'
  | 'pull_requests'
  | 'statuses'
  | 'members';
export type PermissionLevel = 'read' | 'write';

export interface FakeUser {
  login: string;
  id: number;
  type: 'User' | 'Bot';
}

/** Who a token authenticates as, and what it may touch. */
export interface FakeIdentity extends FakeUser {
  permissions: Partial<Record<PermissionScope, PermissionLevel>>;
  /**
   * GitHub App installation tokens (the Actions GITHUB_TOKEN among them) are refused by
   * `GET /user` with 403 "Resource not accessible by integration"; personal tokens are not.
   */
  isInstallation: boolean;
}

export interface FakeComment {
  id: number;
  issueNumber: number;
  body: string;
  user: FakeUser;
  createdAt: string;
  updatedAt: string;
  /** Eventual consistency: list-comments shows the comment only from this moment (ms). */
  listableFrom: number;
}

export interface FakeCommitComment {
  id: number;
  commitSha: string;
  body: string;
  user: FakeUser;
  createdAt: string;
}

export interface FakePull {
  number: number;
  headSha: string;
  headRef: string;
  baseRef: string;
  state: 'open' | 'closed';
}

export interface FakeCheckRun {
  id: number;
  name: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  startedAt: string;
  completedAt: string | null;
  externalId: string;
  detailsUrl: string | null;
  output: { title: string | null; summary: string | null; text: string | null; annotationsCount: number };
  annotations: unknown[];
  app: FakeUser;
}

export interface FakeStatus {
  id: number;
  sha: string;
  state: string;
  context: string;
  description: string | null;
  targetUrl: string | null;
  creator: FakeUser;
  createdAt: string;
}

export interface FakeDeployment {
  id: number;
  ref: string;
  sha: string;
  task: string;
  environment: string;
  payload: unknown;
  description: string | null;
  transientEnvironment: boolean;
  productionEnvironment: boolean;
  creator: FakeUser;
  createdAt: string;
}

export interface FakeDeploymentStatus {
  id: number;
  deploymentId: number;
  state: string;
  environmentUrl: string;
  logUrl: string;
  description: string;
  creator: FakeUser;
  createdAt: string;
}

export interface FakeEnvironment {
  name: string;
  /** Required reviewers: users by login, teams as `org/slug`. */
  reviewers: ({ type: 'User'; login: string } | { type: 'Team'; org: string; slug: string })[];
  waitTimerMinutes: number;
  /** null: any branch; protected: protected branches only; custom: the named patterns. */
  branchPolicy: null | { protectedBranches: true } | { customBranchPolicies: true };
}

export interface FakeRunReview {
  runId: number;
  environments: string[];
  state: 'approved' | 'rejected' | 'pending';
  comment: string;
  user: FakeUser;
}

export interface FakeTeam {
  org: string;
  slug: string;
  name: string;
  id: number;
  /** Logins of the active members (for membership lookups). */
  members?: string[];
}

export interface FakeState {
  owner: string;
  repo: string;
  nextId(): number;
  /** The fake's clock (ISO string); the time requests see. */
  now(): string;
  pulls: Map<number, FakePull>;
  /** Live comments; tests read and seed them directly. */
  comments: FakeComment[];
  /** Deleted comments the listing still shows for a while (eventual consistency), until `listedUntil`. */
  deletedComments: (FakeComment & { listedUntil: number })[];
  commitComments: FakeCommitComment[];
  checkRuns: FakeCheckRun[];
  statuses: FakeStatus[];
  deployments: FakeDeployment[];
  deploymentStatuses: FakeDeploymentStatus[];
  environments: Map<string, FakeEnvironment>;
  runReviews: FakeRunReview[];
  users: Map<string, FakeUser>;
  teams: Map<string, FakeTeam>;
  /** Room for routes added from outside (e.g. artifacts), keyed by the route module's name. */
  extensions: Map<string, unknown>;
  /** How long list-comments lags behind creations and deletions (eventual consistency), ms. */
  commentListLagMs: number;
}

export const GITHUB_ACTIONS_BOT: FakeUser = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };

/** Tokens every fake knows; tests may add more through `startFakeGitHub({ tokens })`. */
export const TOKENS = {
  /** The Actions GITHUB_TOKEN of a same-repository workflow with the permissions we document. */
  actions: 'ghs_fake_actions_token',
  /** A fork's pull request: everything read-only. */
  readOnly: 'ghs_fake_read_only_token',
  /** An Actions token granted pull-requests and statuses but not `checks: write`. */
  noChecks: 'ghs_fake_no_checks_token',
  /** A person's token (a PAT): `GET /user` answers with the person. */
  person: 'ghp_fake_person_token',
  /** Someone else entirely, e.g. to plant a comment that carries our marker. */
  stranger: 'ghp_fake_stranger_token',
} as const;

const ALL_WRITE: FakeIdentity['permissions'] = {
  actions: 'write',
  checks: 'write',
  contents: 'write',
  deployments: 'write',
  issues: 'write',
  metadata: 'read',
  pull_requests: 'write',
  statuses: 'write',
  members: 'read',
};

export function defaultTokens(): Record<string, FakeIdentity> {
  const readOnly = Object.fromEntries(
    Object.keys(ALL_WRITE).map((scope) => [scope, 'read']),
  ) as FakeIdentity['permissions'];
  return {
    [TOKENS.actions]: { ...GITHUB_ACTIONS_BOT, permissions: ALL_WRITE, isInstallation: true },
    [TOKENS.readOnly]: { ...GITHUB_ACTIONS_BOT, permissions: readOnly, isInstallation: true },
    [TOKENS.noChecks]: {
      ...GITHUB_ACTIONS_BOT,
      permissions: { ...ALL_WRITE, checks: 'read' },
      isInstallation: true,
    },
    [TOKENS.person]: {
      login: 'ml-engineer',
      id: 1001,
      type: 'User',
      permissions: ALL_WRITE,
      isInstallation: false,
    },
    [TOKENS.stranger]: {
      login: 'mallory',
      id: 666,
      type: 'User',
      permissions: ALL_WRITE,
      isInstallation: false,
    },
  };
}

export function createState(owner: string, repo: string, clock: () => number): FakeState {
  let id = 1000;
  return {
    owner,
    repo,
    nextId: () => ++id,
    now: () => new Date(clock()).toISOString(),
    pulls: new Map(),
    comments: [],
    deletedComments: [],
    commitComments: [],
    checkRuns: [],
    statuses: [],
    deployments: [],
    deploymentStatuses: [],
    environments: new Map(),
    runReviews: [],
    users: new Map(),
    teams: new Map(),
    extensions: new Map(),
    commentListLagMs: 0,
  };
}
