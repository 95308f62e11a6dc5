import { UserError } from '../flow/errors.js';
import type { CommandText } from '../config/types.js';

/** Why a command string cannot run without a shell, and where in it: the first offending character. */
export interface CommandWordProblem {
  message: string;
  /** Offset of the offending text in the command string. */
  offset: number;
  /** The offending text, as written (for locating it in mlops.yml). */
  text: string;
}

/**
 * Splits a command string into words the way a POSIX shell would for quoting — single quotes,
 * double quotes, backslash escapes — but performs no expansion of any kind: no variables, no
 * globs, no command substitution, no pipes. The words go straight to spawn() without a shell.
 * A command that needs a shell (an operator, an unclosed quote, a line break) is a problem
 * instead: validate-charter reports the same problem at its line, the runner refuses it.
 */
export function parseWords(command: string): { words: string[] } | { problem: CommandWordProblem } {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: "'" | '"' | undefined;
  let quoteAt = 0;
  for (let index = 0; index < command.length; index++) {
    const char = command[index] as string;
    // A trailing line break (a YAML block scalar ends with one) is only whitespace.
    if ((char === '\n' || char === '\r') && command.slice(index).trim() !== '') {
      return {
        problem: {
          message:
            'the command spans more than one line: commands run without a shell, one command each; put several steps in a script and run that',
          offset: index,
          text: char,
        },
      };
    }
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else current += char;
    } else if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === '\\' && /["\\$`]/.test(command[index + 1] ?? '')) current += command[++index];
      else current += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      quoteAt = index;
      inWord = true;
    } else if (char === '\\') {
      if (index + 1 < command.length) current += command[++index];
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      const substitution = char === '$' && command[index + 1] === '(';
      if (/[|&;<>`]/.test(char) || substitution) {
        const operator = substitution ? '$(' : char;
        return {
          problem: {
            message: `the command "${command}" uses the shell operator "${operator}": commands run without a shell; put a pipeline or redirection in a script and run that`,
            offset: index,
            text: operator,
          },
        };
      }
      current += char;
      inWord = true;
    }
  }
  if (quote)
    return {
      problem: {
        message: `the command "${command}" has an unclosed ${quote === "'" ? 'single' : 'double'} quote`,
        offset: quoteAt,
        text: quote,
      },
    };
  if (inWord) words.push(current);
  return { words };
}

/** The words of a command string; a command that needs a shell is the user's error. */
export function splitWords(command: string): string[] {
  const parsed = parseWords(command);
  if ('problem' in parsed) throw new UserError(parsed.problem.message);
  return parsed.words;
}

const PLACEHOLDER = /\{([a-z_]+)\}/g;

/** The placeholders a command uses, e.g. `model` for `{model}`. */
export function placeholdersIn(command: CommandText): string[] {
  const text = Array.isArray(command) ? command.join(' ') : command;
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1] as string))];
}

/**
 * The argv for a command with its placeholders replaced inside each word. A value containing
 * spaces or shell characters stays one word: it is never re-parsed.
 */
export function commandArgv(command: CommandText, values: Readonly<Record<string, string>>): string[] {
  const words = Array.isArray(command) ? [...command] : splitWords(command);
  if (words.length === 0) throw new UserError('the command is empty');
  return words.map((word) =>
    word.replace(PLACEHOLDER, (match, name: string) => {
      const value = values[name];
      if (value === undefined) {
        throw new UserError(
          `the command uses the placeholder ${match}, which is not known here (known: ${
            Object.keys(values)
              .map((k) => `{${k}}`)
              .join(', ') || 'none'
          })`,
        );
      }
      return value;
    }),
  );
}
