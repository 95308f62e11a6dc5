import { UserError } from '../flow/errors.js';
import type { CommandText } from '../config/types.js';

/**
 * Splits a command string into words the way a POSIX shell would for quoting — single quotes,
 * double quotes, backslash escapes — but performs no expansion of any kind: no variables, no
 * globs, no command substitution, no pipes. The words go straight to spawn() without a shell.
 */
export function splitWords(command: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let index = 0; index < command.length; index++) {
    const char = command[index] as string;
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else current += char;
    } else if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === '\\' && /["\\$`]/.test(command[index + 1] ?? '')) current += command[++index];
      else current += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      inWord = true;
    } else if (char === '\\') {
      if (index + 1 < command.length) current += command[++index];
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      if (/[|&;<>`]/.test(char) || (char === '$' && command[index + 1] === '(')) {
        throw new UserError(
          `the command "${command}" uses the shell operator "${char}": commands run without a shell; put a pipeline or redirection in a script and run that`,
        );
      }
      current += char;
      inWord = true;
    }
  }
  if (quote)
    throw new UserError(
      `the command "${command}" has an unclosed ${quote === "'" ? 'single' : 'double'} quote`,
    );
  if (inWord) words.push(current);
  return words;
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
