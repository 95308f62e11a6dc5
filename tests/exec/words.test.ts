import { describe, expect, test } from '@jest/globals';
import { commandArgv, placeholdersIn, splitWords } from '../../src/exec/words.js';
import { cleanEnvironment, parseDuration, runCommand } from '../../src/exec/run-command.js';

describe('splitting commands into words, without a shell', () => {
  test.each([
    ['node train.js --data data/credit.csv', ['node', 'train.js', '--data', 'data/credit.csv']],
    [`python -c 'print("hi there")'`, ['python', '-c', 'print("hi there")']],
    ['echo "a \\"quoted\\" word" plain\\ space', ['echo', 'a "quoted" word', 'plain space']],
    ['  spaced   out  ', ['spaced', 'out']],
    ['empty "" arg', ['empty', '', 'arg']],
    ['echo $HOME ~ *.csv', ['echo', '$HOME', '~', '*.csv']], // no expansion of any kind
  ])('%s', (command, words) => {
    expect(splitWords(command)).toEqual(words);
  });

  test.each(['train | tee log', 'a && b', 'a; rm -rf /', 'a > out', 'echo `id`', 'echo $(id)'])(
    'refuses shell operators: %s',
    (command) => {
      expect(() => splitWords(command)).toThrow(/commands run without a shell/);
    },
  );

  test('refuses a command spanning lines, but not the line break a YAML block scalar ends with', () => {
    expect(() => splitWords('./deploy.sh staging\nrm -rf /')).toThrow(/spans more than one line/);
    expect(() => splitWords('echo "a\nb"')).toThrow(/spans more than one line/);
    expect(splitWords('./deploy.sh staging\n')).toEqual(['./deploy.sh', 'staging']);
  });

  test('refuses an unclosed quote', () => {
    expect(() => splitWords("echo 'oops")).toThrow(/unclosed single quote/);
  });
});

describe('placeholders', () => {
  test('are replaced inside words, and a value never becomes more than one word', () => {
    const argv = commandArgv('node predict.js --model {model} --out={output}', {
      model: 'models/a b; rm -rf /',
      output: '$(id).csv',
    });
    expect(argv).toEqual(['node', 'predict.js', '--model', 'models/a b; rm -rf /', '--out=$(id).csv']);
  });

  test('an unknown placeholder is an error naming the known ones', () => {
    expect(() => commandArgv('deploy {modle}', { model: 'm' })).toThrow(
      /placeholder \{modle\}.*known: \{model\}/,
    );
  });

  test('lists the placeholders a command uses', () => {
    expect(placeholdersIn(['a', '{model}', '{input}{model}'])).toEqual(['model', 'input']);
  });
});

describe('running commands', () => {
  test('streams lines, keeps the tail, reports the exit code', async () => {
    const lines: string[] = [];
    const result = await runCommand({
      argv: [
        process.execPath,
        '-e',
        'for (let i = 0; i < 50; i++) console.log("line " + i); process.exit(3)',
      ],
      cwd: process.cwd(),
      env: cleanEnvironment(process.env),
      timeoutMs: 10_000,
      keepLines: 5,
      onLine: (line) => lines.push(line),
    });
    expect(result.exitCode).toBe(3);
    expect(lines).toHaveLength(50);
    expect(result.tail).toEqual(['line 45', 'line 46', 'line 47', 'line 48', 'line 49']);
  });

  test('a program that does not exist is reported, not thrown', async () => {
    const result = await runCommand({
      argv: ['/no/such/program'],
      cwd: process.cwd(),
      env: {},
      timeoutMs: 5000,
    });
    expect(result.spawnError).toMatch(/cannot run "\/no\/such\/program"/);
  });

  test('the environment is clean: no tokens unless named', () => {
    const env = cleanEnvironment(
      { PATH: '/bin', GITHUB_TOKEN: 'ghs_secret', AWS_SECRET_ACCESS_KEY: 'x', HOME: '/h' },
      { SEED: '1' },
    );
    expect(env).toEqual({ PATH: '/bin', HOME: '/h', CI: '', SEED: '1' });
  });

  test('durations', () => {
    expect(parseDuration('30s', 1)).toBe(30_000);
    expect(parseDuration('5m', 1)).toBe(300_000);
    expect(parseDuration('250ms', 1)).toBe(250);
    expect(parseDuration(undefined, 7)).toBe(7);
  });
});
