/**
 * Faults GitHub really answers with, to queue per operation: `fake.inject('issues/create-comment',
 * serverError(502), serverError(502))` makes the next two create-comment requests fail. A fault
 * replaces the handler's answer; the request is still validated and recorded.
 */
export interface Fault {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export function serverError(status: 500 | 502 | 503 = 500): Fault {
  return {
    status,
    body: status === 502 ? { message: 'Server Error' } : { message: 'Internal Server Error' },
  };
}

/** GitHub's secondary rate limit: 403 with a retry-after (seconds). */
export function secondaryRateLimit(retryAfterSeconds = 1): Fault {
  return {
    status: 403,
    headers: { 'retry-after': String(retryAfterSeconds), 'x-ratelimit-remaining': '4000' },
    body: {
      message:
        'You have exceeded a secondary rate limit and have been temporarily blocked from content creation. Please retry your request again later.',
      documentation_url:
        'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
    },
  };
}

export function notFound(): Fault {
  return { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };
}

/** What GitHub answers when a comment body exceeds its limit. */
export function bodyTooLong(): Fault {
  return {
    status: 422,
    body: {
      message: 'Validation Failed',
      errors: [
        {
          resource: 'IssueComment',
          code: 'custom',
          field: 'body',
          message: 'body is too long (maximum is 65536 characters)',
        },
      ],
      documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
    },
  };
}
