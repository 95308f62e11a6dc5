import { describe, expect, test } from '@jest/globals';
import {
  COMMENT_MARKER,
  neutraliseHtmlComments,
  renderAlignmentTable,
  renderComment,
} from '../../src/report/comment.js';
import type { CommentSection } from '../../src/platform/ports.js';
import type { StageName } from '../../src/core/stages.js';

const at = '2026-11-25T10:00:00.000Z';
const section = (
  stage: StageName,
  markdown: string,
  extra: Partial<CommentSection> = {},
): CommentSection => ({
  stage,
  verdict: 'pass',
  markdown,
  updatedAt: at,
  ...extra,
});

describe('the comment', () => {
  test('starts with the marker and the flow as badges, sections in flow order', () => {
    const body = renderComment([
      section('fairness-report', 'F'),
      section('validate-charter', 'C', { verdict: 'warn' }),
    ]);
    expect(body.startsWith(COMMENT_MARKER)).toBe(true);
    expect(body).toContain('⚠️ Charter → ⚪ Build → ⚪ Sanity → ✅ Fairness → ⚪ Deploy to test → ⚪ Canary');
    expect(body.indexOf('<!-- mlops-flow:section:validate-charter -->')).toBeLessThan(
      body.indexOf('<!-- mlops-flow:section:fairness-report -->'),
    );
  });

  test('the alignment table merges cells from every stage, business first', () => {
    const sections = new Map<StageName, CommentSection>([
      [
        'validate-charter',
        section('validate-charter', '', {
          alignment: [
            { metric: 'precision', level: 'model', source: 'offline', value: null, goal: '≥ 0.80' },
            {
              metric: 'bad_debt_avoided_usd',
              level: 'business',
              source: 'offline',
              value: null,
              goal: '≥ 400,000',
            },
          ],
        }),
      ],
      [
        'build-model',
        section('build-model', '', {
          alignment: [
            { metric: 'precision', level: 'model', source: 'offline', value: 0.812, verdict: 'pass' },
            { metric: 'precision', level: 'model', source: 'base', value: 0.805 },
            {
              metric: 'bad_debt_avoided_usd',
              level: 'business',
              source: 'offline',
              value: 412300,
              estimated: true,
              verdict: 'pass',
            },
          ],
        }),
      ],
    ]);
    const table = renderAlignmentTable(sections).split('\n');
    expect(table[0]).toBe('| level | metric | goal | this PR (offline) | base | status |');
    expect(table[2]).toBe('| business | `bad_debt_avoided_usd` | ≥ 400,000 | 412,300 (est.) | — | ✅ |');
    expect(table[3]).toBe('| model | `precision` | ≥ 0.80 | 0.812 | 0.805 | ✅ |');
  });

  test('never exceeds the limit: the longest sections are cut first', () => {
    const sections = [
      section('validate-charter', 'short charter'),
      section('fairness-report', 'x'.repeat(70_000)),
      section('sanity-check', 'y'.repeat(30_000)),
    ];
    const body = renderComment(sections, { reportsLocation: 'the job summary' });
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toContain('short charter');
    expect(body).toContain('y'.repeat(30_000));
    expect(body).not.toContain('x'.repeat(1000));
    expect(body).toContain('Too long for a PR comment');
  });
});

describe('text inside a section', () => {
  test('cannot open or close an HTML comment, and still reads the same', () => {
    const printed = 'HTTP 500: <!-- mlops-flow:data x --> <!--> --!> <![CDATA[ x ]]>';
    const body = renderComment([
      section('deploy-test', printed),
      section('validate-charter', '', {
        alignment: [{ metric: 'p<!--', level: 'model', source: 'offline', value: 1, goal: '--> 0.8' }],
      }),
    ]);
    // Only our marker and the two section markers open a comment.
    expect(body.match(/<!/g)).toHaveLength(3);
    expect(body.match(/--!?>/g)).toHaveLength(3);
    expect(body.replace(/\u200b/g, '')).toContain(printed);
    expect(neutraliseHtmlComments(printed)).toBe(
      'HTTP 500: <\u200b!-- mlops-flow:data x --\u200b> <\u200b!--\u200b> --\u200b!> <\u200b![CDATA[ x ]]>',
    );
  });
});
