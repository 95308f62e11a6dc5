import { openSync, closeSync, ftruncateSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { runCli, tempProject } from '../helpers/cli.js';

const HEAD = 'version: 1\ncharter:\n  name: demo\n  business_problem: Late payers cost money.\n';

interface Case {
  name: string;
  text: string | Uint8Array;
  line: number;
  column: number;
  message: RegExp;
}

const cases: Case[] = [
  { name: 'an empty file', text: '', line: 1, column: 1, message: /is empty/ },
  { name: 'only comments', text: '# nothing here\n# at all\n', line: 1, column: 1, message: /is empty/ },
  {
    // Reported at the bracket left open, not where the parser gave up.
    name: 'an unclosed flow sequence',
    text: `${HEAD}  data:\n    sensitive_attributes: [gender, age\n`,
    line: 6,
    column: 27,
    message: /this "\[" is never closed: add the matching "\]"/,
  },
  {
    name: 'an unclosed flow mapping above more keys, with brackets in strings and comments',
    text: `version: 1\ncharter:\n  name: "x [ y"\n  # { not this one\n  roles: { product_owner: '@jdoe'\n  business_problem: Late payers cost money.\n`,
    line: 5,
    column: 10,
    message: /this "\{" is never closed/,
  },
  {
    name: 'a sequence left open inside a closed-looking mapping',
    text: `${HEAD}  roles: { ml_engineers: ['@a', '@b' }\n`,
    line: 5,
    column: 26,
    message: /this "\[" is never closed/,
  },
  {
    name: 'a bad indentation',
    text: 'version: 1\ncharter:\n  name: demo\n business_problem: x\n',
    line: 4,
    column: 1,
    message: /YAML syntax: All mapping items must start at the same column/,
  },
  {
    name: 'a tab as indentation',
    text: 'version: 1\ncharter:\n\tname: demo\n',
    line: 3,
    column: 1,
    message: /tab/i,
  },
  {
    name: 'a duplicate key',
    text: `${HEAD}  name: again\n`,
    line: 5,
    column: 3,
    message: /duplicate key "name"/,
  },
  {
    name: 'a misspelt top-level key',
    text: 'version: 1\nchartr:\n  name: x\n',
    line: 2,
    column: 1,
    message: /unknown key "chartr".*did you mean "charter"/,
  },
  {
    name: 'a misspelt nested key',
    text: 'version: 1\ncharter:\n  name: demo\n  bussiness_problem: x\n',
    line: 4,
    column: 3,
    message: /unknown key "bussiness_problem" in charter; did you mean "business_problem"/,
  },
  {
    name: 'version as a string',
    text: "version: '1'\ncharter:\n  name: demo\n  business_problem: x\n",
    line: 1,
    column: 10,
    message: /version must be 1, not "1"/,
  },
  {
    name: 'an unknown version',
    text: 'version: 2\ncharter:\n  name: demo\n  business_problem: x\n',
    line: 1,
    column: 10,
    message: /version must be 1, not 2/,
  },
  {
    name: 'charter as a list',
    text: 'version: 1\ncharter:\n  - name: demo\n',
    line: 3,
    column: 3,
    message: /charter must be a mapping, not a list/,
  },
  {
    name: 'an amount that is text',
    text: `${HEAD}  value:\n    amount: 12k\n    currency: USD\n    period: year\n`,
    line: 6,
    column: 13,
    message: /charter\.value\.amount must be a number, not "12k"/,
  },
  {
    name: 'a lower-case currency',
    text: `${HEAD}  value:\n    amount: 1\n    currency: usd\n    period: year\n`,
    line: 7,
    column: 15,
    message: /currency/,
  },
  {
    name: 'a period that is almost right',
    text: `${HEAD}  value:\n    amount: 1\n    currency: USD\n    period: yearly\n`,
    line: 8,
    column: 13,
    message: /one of day, week, month, quarter, year, not "yearly"; did you mean "year"/,
  },
  {
    name: 'an unknown data origin',
    text: `${HEAD}  data:\n    sources:\n      - name: crm\n        origin: 3rd-party\n        priority: must-have\n`,
    line: 8,
    column: 17,
    message: /origin must be one of primary, secondary, third-party/,
  },
  {
    name: 'a priority with a space',
    text: `${HEAD}  data:\n    sources:\n      - name: crm\n        origin: primary\n        priority: must have\n`,
    line: 9,
    column: 19,
    message: /did you mean "must-have"/,
  },
  {
    name: 'a reversed comparator',
    text: `${HEAD}  metrics:\n    model:\n      - id: precision\n        goal: "=> 0.8"\n`,
    line: 8,
    column: 15,
    message: /goal must be a comparison/,
  },
  {
    name: 'a goal that is not a number',
    text: `${HEAD}  metrics:\n    model:\n      - id: precision\n        goal: ">= high"\n`,
    line: 8,
    column: 15,
    message: /goal must be a comparison/,
  },
  {
    name: 'a goal without a comparator',
    text: `${HEAD}  metrics:\n    model:\n      - id: precision\n        goal: "0.8"\n`,
    line: 8,
    column: 15,
    message: /goal must be a comparison/,
  },
  {
    name: 'an expression with two operators',
    text: `${HEAD}  metrics:\n    business:\n      - id: value_usd\n        estimate: "recall * * 2"\n`,
    line: 8,
    column: 29,
    message: /estimate of value_usd: "\*" needs a value before it/,
  },
  {
    name: 'an expression that ends early',
    text: `${HEAD}  metrics:\n    business:\n      - id: value_usd\n        estimate: recall +\n`,
    line: 8,
    column: 27,
    message: /ends where a value was expected/,
  },
  {
    name: 'an expression calling a function',
    text: `${HEAD}  metrics:\n    business:\n      - id: value_usd\n        estimate: max(recall, 1)\n`,
    line: 8,
    column: 22,
    message: /functions such as max\(\) are not supported/,
  },
  {
    name: 'an expression with a foreign character',
    text: `${HEAD}  metrics:\n    business:\n      - id: value_usd\n        estimate: recall * $1200\n`,
    line: 8,
    column: 28,
    message: /unexpected character "\$"/,
  },
  {
    name: 'an unbalanced parenthesis',
    text: `${HEAD}  metrics:\n    business:\n      - id: value_usd\n        estimate: (recall + 1\n`,
    line: 8,
    column: 30,
    message: /missing "\)"/,
  },
  {
    name: 'an alias bomb',
    text: `a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n`,
    line: 2,
    column: 8,
    message: /too many alias expansions/,
  },
  {
    name: 'a merge key',
    text: `base: &base\n  name: demo\nversion: 1\ncharter:\n  <<: *base\n  business_problem: x\n`,
    line: 1,
    column: 1,
    message: /unknown key "base"/,
  },
  {
    name: 'a milestone date in words',
    text: `${HEAD}  milestones:\n    - name: launch\n      due: next week\n`,
    line: 7,
    column: 12,
    message: /due must be a date such as 2027-01-15, not "next week"/,
  },
  {
    name: 'a canary step over 100',
    text: `${HEAD}flow:\n  canary:\n    steps: [5, 50, 150]\n`,
    line: 7,
    column: 20,
    message: /steps\[2\] must be <= 100/,
  },
  {
    name: 'an enforcement mode that is almost right',
    text: `${HEAD}flow:\n  enforce: strictly\n`,
    line: 6,
    column: 12,
    message: /did you mean "strict"/,
  },
  {
    name: 'a metric id in capitals',
    text: `${HEAD}  metrics:\n    model:\n      - id: Precision\n`,
    line: 7,
    column: 13,
    message: /id must be an identifier in snake_case/,
  },
  {
    name: 'sensitive attributes as text',
    text: `${HEAD}  data:\n    sensitive_attributes: gender\n`,
    line: 6,
    column: 27,
    message: /sensitive_attributes must be a list, not "gender"/,
  },
  {
    name: 'a build without a command',
    text: `${HEAD}flow:\n  build:\n    model: model/\n`,
    line: 6,
    column: 3,
    message: /flow\.build is missing the required key "command"/,
  },
  {
    name: 'an endpoint that is not a URL',
    text: `${HEAD}flow:\n  deploy_test:\n    endpoint: not a url\n`,
    line: 7,
    column: 15,
    message: /endpoint must be/,
  },
  {
    name: 'a duration in words',
    text: `${HEAD}flow:\n  canary:\n    step_duration: 5 minutes\n`,
    line: 7,
    column: 20,
    message: /step_duration must be a duration such as "30s"/,
  },
  {
    name: 'an unknown fairness goal',
    text: `${HEAD}flow:\n  fairness:\n    goals:\n      demographic_parity: ">= 0.8"\n`,
    line: 8,
    column: 7,
    message: /unknown key "demographic_parity".*did you mean "demographic_parity_ratio"/,
  },
  {
    name: 'no charter at all',
    text: 'version: 1\n',
    line: 1,
    column: 1,
    message: /the top level is missing the required key "charter"/,
  },
  {
    name: 'a scalar document',
    text: 'hello\n',
    line: 1,
    column: 1,
    message: /the top level must be a mapping, not "hello"/,
  },
  {
    name: 'a command that is a number',
    text: `${HEAD}flow:\n  build:\n    command: 42\n    model: model/\n`,
    line: 7,
    column: 14,
    message: /command must be a command run without a shell/,
  },
  {
    name: 'binary garbage',
    text: Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]),
    line: 1,
    column: 1,
    message: /not UTF-8 text|binary/,
  },
  {
    name: 'a NUL byte in text',
    text: 'version: 1\ncharter:\n  name: "de\u0000mo"\n',
    line: 3,
    column: 12,
    message: /NUL byte/,
  },
];

describe('malformed mlops.yml', () => {
  test.each(cases)('$name → line $line, column $column, exit 2', async ({ text, line, column, message }) => {
    const directory = tempProject({ 'mlops.yml': text });
    const run = await runCli(['validate-charter'], directory);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const first = run.stderr.split('\n')[0] ?? '';
    expect(first).toMatch(new RegExp(`^mlops\\.yml:${line}:${column}: error: `));
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // no stack trace
  });

  test('a 50 MB file is refused without being parsed', async () => {
    const directory = tempProject();
    const file = path.join(directory, 'mlops.yml');
    const handle = openSync(file, 'w');
    ftruncateSync(handle, 50 * 1024 * 1024);
    closeSync(handle);
    const run = await runCli(['validate-charter'], directory);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^mlops\.yml:1:1: error: mlops\.yml is 52,428,800 bytes; a config file may be at most/,
    );
  });

  test('the source line and a caret under the column are shown', async () => {
    const directory = tempProject({
      'mlops.yml': 'version: 1\ncharter:\n  name: demo\n  bussiness_problem: x\n',
    });
    const run = await runCli(['validate-charter'], directory);
    expect(run.stderr).toContain(' 4 |   bussiness_problem: x\n   |   ^\n');
  });

  test('every error is reported, not only the first', async () => {
    const directory = tempProject({
      'mlops.yml': 'version: 2\ncharter:\n  nme: demo\n  business_problem: x\n',
    });
    const run = await runCli(['validate-charter'], directory);
    expect(run.stderr).toMatch(/mlops\.yml:1:10: error: version must be 1/);
    expect(run.stderr).toMatch(/mlops\.yml:3:3: error: unknown key "nme" in charter; did you mean "name"/);
    expect(run.stderr).not.toMatch(/missing the required key "name"/); // the typo says it already
  });
});

test('there are at least 30 malformed configs', () => {
  expect(cases.length + 1).toBeGreaterThanOrEqual(30);
});
