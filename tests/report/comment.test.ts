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

describe('code blocks inside a section', () => {
  const chart = '```mermaid\nxychart-beta\n  y-axis "rate" 0 --> 1\n  bar [0.5]\n```';

  test('are kept byte for byte, while the prose around them is neutralised', () => {
    const text = `before <!-- x -->\n\n${chart}\n\nafter --> <!--`;
    expect(neutraliseHtmlComments(text)).toBe(
      `before <\u200b!-- x --\u200b>\n\n${chart}\n\nafter --\u200b> <\u200b!--`,
    );
  });

  test('a block left open is closed at the section end, so the next marker stays a marker', () => {
    const body = renderComment([
      section('build-model', 'text\n\n```\n<!-- mlops-flow:section:fake -->'),
      section('sanity-check', 'S'),
    ]);
    expect(body).toContain(
      '```\n<!-- mlops-flow:section:fake -->\n```\n\n<!-- mlops-flow:section:sanity-check -->',
    );
  });

  test('a fence we would not recognise (indented, mid-paragraph, inline) cannot open a block', () => {
    for (const text of ['text\n```\n<!--', '  ```\n<!--', '- item\n\n   ~~~\n-->', 'a ``` b']) {
      const safe = neutraliseHtmlComments(text);
      expect(safe).not.toMatch(/`{3}|~{3}/);
      expect(safe).not.toMatch(/<!|--!?>/);
    }
  });

  test('raw HTML blocks that a blank line does not end cannot start outside code', () => {
    const safe = neutraliseHtmlComments('<pre>\n\n<script>x</script> <?php ?> <STYLE>');
    expect(safe).not.toMatch(/<(\/?)(pre|script|style|textarea)|<\?/i);
  });
});
