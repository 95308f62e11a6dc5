import type { FakeRequest, FakeRoute, Respond } from '../index.js';
import type { FakeComment, FakeState } from '../state.js';
import { WEB, notFound, respondPage, userJson, validationFailed } from './shared.js';

/** GitHub refuses comment bodies over this many characters. */
export const COMMENT_BODY_LIMIT = 65_536;

const WRITE = [
  { scope: 'pull_requests', level: 'write' },
  { scope: 'issues', level: 'write' },
] as const;
const READ = [
  { scope: 'pull_requests', level: 'read' },
  { scope: 'issues', level: 'read' },
] as const;

function commentJson(comment: FakeComment, request: FakeRequest, state: FakeState): Record<string, unknown> {
  const repo = `${request.baseUrl}/repos/${state.owner}/${state.repo}`;
  return {
    id: comment.id,
    node_id: `IC_${comment.id}`,
    url: `${repo}/issues/comments/${comment.id}`,
    html_url: `${WEB}/${state.owner}/${state.repo}/pull/${comment.issueNumber}#issuecomment-${comment.id}`,
    issue_url: `${repo}/issues/${comment.issueNumber}`,
    body: comment.body,
    user: userJson(comment.user, request),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    author_association: comment.user.type === 'Bot' ? 'NONE' : 'MEMBER',
    performed_via_github_app: null,
  };
}

function tooLong(body: string): boolean {
  return [...body].length > COMMENT_BODY_LIMIT;
}

function rejectTooLong(respond: Respond): void {
  validationFailed(
    respond,
    `body is too long (maximum is ${COMMENT_BODY_LIMIT} characters)`,
    'IssueComment',
    'body',
  );
}

function find(state: FakeState, id: string | undefined): FakeComment | undefined {
  return state.comments.find((comment) => comment.id === Number(id));
}

export const commentRoutes: FakeRoute[] = [
  {
    operationId: 'issues/list-comments',
    permissions: [...READ],
    handle(request, state, respond) {
      const number = Number(request.params.issue_number);
      if (!state.pulls.has(number)) return notFound(respond);
      const now = Date.now();
      const listed = [
        ...state.comments.filter((comment) => comment.listableFrom <= now),
        ...state.deletedComments.filter((comment) => comment.listedUntil > now),
      ];
      const visible = listed.filter((comment) => comment.issueNumber === number).sort((a, b) => a.id - b.id);
      respondPage(
        request,
        respond,
        visible.map((comment) => commentJson(comment, request, state)),
      );
    },
  },
  {
    operationId: 'issues/create-comment',
    permissions: [...WRITE],
    handle(request, state, respond) {
      const number = Number(request.params.issue_number);
      if (!state.pulls.has(number)) return notFound(respond);
      const { body } = request.body as { body: string };
      if (tooLong(body)) return rejectTooLong(respond);
      const time = state.now();
      const comment: FakeComment = {
        id: state.nextId(),
        issueNumber: number,
        body,
        user: { login: request.identity.login, id: request.identity.id, type: request.identity.type },
        createdAt: time,
        updatedAt: time,
        listableFrom: Date.now() + state.commentListLagMs,
      };
      state.comments.push(comment);
      respond(201, commentJson(comment, request, state), {
        location: commentJson(comment, request, state).url as string,
      });
    },
  },
  {
    operationId: 'issues/get-comment',
    permissions: [...READ],
    handle(request, state, respond) {
      const comment = find(state, request.params.comment_id);
      if (!comment) return notFound(respond);
      respond(200, commentJson(comment, request, state));
    },
  },
  {
    operationId: 'issues/update-comment',
    permissions: [...WRITE],
    handle(request, state, respond) {
      const comment = find(state, request.params.comment_id);
      if (!comment) return notFound(respond);
      const { body } = request.body as { body: string };
      if (tooLong(body)) return rejectTooLong(respond);
      comment.body = body;
      comment.updatedAt = state.now();
      respond(200, commentJson(comment, request, state));
    },
  },
  {
    operationId: 'issues/delete-comment',
    permissions: [...WRITE],
    handle(request, state, respond) {
      const comment = find(state, request.params.comment_id);
      if (!comment) return notFound(respond);
      state.comments = state.comments.filter((other) => other !== comment);
      if (comment.listableFrom <= Date.now()) {
        state.deletedComments.push({ ...comment, listedUntil: Date.now() + state.commentListLagMs });
      }
      respond(204);
    },
  },
  {
    operationId: 'pulls/get',
    permissions: [...READ],
    handle(request, state, respond) {
      const pull = state.pulls.get(Number(request.params.pull_number));
      if (!pull) return notFound(respond);
      const repo = `${request.baseUrl}/repos/${state.owner}/${state.repo}`;
      respond(200, {
        id: pull.number * 7,
        number: pull.number,
        state: pull.state,
        url: `${repo}/pulls/${pull.number}`,
        html_url: `${WEB}/${state.owner}/${state.repo}/pull/${pull.number}`,
        head: { ref: pull.headRef, sha: pull.headSha },
        base: { ref: pull.baseRef },
      });
    },
  },
  {
    operationId: 'repos/create-commit-comment',
    permissions: [{ scope: 'contents', level: 'write' }],
    handle(request, state, respond) {
      const { body } = request.body as { body: string };
      if (tooLong(body)) return validationFailed(respond, 'body is too long', 'CommitComment', 'body');
      const comment = {
        id: state.nextId(),
        commitSha: request.params.commit_sha ?? '',
        body,
        user: { login: request.identity.login, id: request.identity.id, type: request.identity.type },
        createdAt: state.now(),
      };
      state.commitComments.push(comment);
      respond(201, {
        url: `${request.baseUrl}/repos/${state.owner}/${state.repo}/comments/${comment.id}`,
        node_id: `CC_${comment.id}`,
        id: comment.id,
        body,
        path: null,
        position: null,
        line: null,
        author_association: 'NONE',
        commit_id: comment.commitSha,
        html_url: `${WEB}/${state.owner}/${state.repo}/commit/${comment.commitSha}#commitcomment-${comment.id}`,
        user: userJson(comment.user, request),
        created_at: comment.createdAt,
        updated_at: comment.createdAt,
      });
    },
  },
];
