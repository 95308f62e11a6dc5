import type { SourceLocation } from '../core/result.js';

/** One problem in mlops.yml, pinned to the node it is about. */
export interface ConfigDiagnostic {
  severity: 'error' | 'warning';
  message: string;
  location: SourceLocation;
  /** A short rule id for schema and semantic findings, e.g. `unknown-key`. */
  rule?: string;
}

/** mlops.yml could not be loaded; carries every diagnostic, never a stack trace for users. */
export class ConfigError extends Error {
  constructor(
    readonly diagnostics: ConfigDiagnostic[],
    readonly sourceText?: string,
  ) {
    super(diagnostics.map((d) => `${formatLocation(d.location)}: ${d.severity}: ${d.message}`).join('\n'));
    this.name = 'ConfigError';
  }
}

export function formatLocation(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.column}`;
}

/**
 * Formats a diagnostic as compilers do: `file:line:column: error: message`, then the source
 * line and a caret under the column.
 */
export function formatDiagnostic(diagnostic: ConfigDiagnostic, sourceText?: string): string {
  const head = `${formatLocation(diagnostic.location)}: ${diagnostic.severity}: ${diagnostic.message}`;
  const line = sourceText?.split(/\r?\n/)[diagnostic.location.line - 1];
  if (line === undefined || !isPrintable(line)) return head;
  const gutter = String(diagnostic.location.line);
  const shown = line.length > 160 ? `${line.slice(0, 160)}…` : line;
  const caretColumn = Math.min(diagnostic.location.column, shown.length + 1);
  const padding = shown.slice(0, caretColumn - 1).replace(/[^\t]/g, ' ');
  return `${head}\n ${gutter} | ${shown}\n ${' '.repeat(gutter.length)} | ${padding}^`;
}

function isPrintable(line: string): boolean {
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u0008\u000e-\u001f\ufffd]/.test(line);
}
