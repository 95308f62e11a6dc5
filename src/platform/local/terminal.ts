import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { formatDiagnostic } from '../../config/diagnostics.js';
import type { SourceLocation } from '../../core/result.js';
import type { AnnotationPort, LogPort, OutputPort, SummaryPort } from '../ports.js';

export interface TextSink {
  write(text: string): unknown;
}

/** Progress and annotations on stderr, so stdout stays clean for `--json`. */
export class TerminalLog implements LogPort, AnnotationPort {
  constructor(
    private readonly stderr: TextSink,
    private readonly verbose = false,
    private readonly readSource?: (file: string) => string | undefined,
  ) {}

  info(message: string): void {
    this.stderr.write(`${message}\n`);
  }

  debug(message: string): void {
    if (this.verbose) this.stderr.write(`  ${message}\n`);
  }

  async group<T>(title: string, work: () => Promise<T>): Promise<T> {
    this.stderr.write(`▸ ${title}\n`);
    return work();
  }

  private annotate(
    severity: 'error' | 'warning' | 'notice',
    message: string,
    location?: SourceLocation,
  ): void {
    if (!location) {
      this.stderr.write(`${severity}: ${message}\n`);
      return;
    }
    const text = formatDiagnostic(
      { severity: severity === 'notice' ? 'warning' : severity, message, location },
      this.readSource?.(location.file),
    );
    this.stderr.write(`${severity === 'notice' ? text.replace(': warning:', ': note:') : text}\n`);
  }

  error(message: string, location?: SourceLocation): void {
    this.annotate('error', message, location);
  }
  warning(message: string, location?: SourceLocation): void {
    this.annotate('warning', message, location);
  }
  notice(message: string, location?: SourceLocation): void {
    this.annotate('notice', message, location);
  }
}

/** Outputs kept in memory: the CLI prints them with `--json`. */
export class CollectedOutputs implements OutputPort {
  readonly values: Record<string, string> = {};
  set(name: string, value: string): void {
    this.values[name] = value;
  }
}

/** The job summary, locally: one markdown report per run under `.mlops-flow/reports/`. */
export class ReportFile implements SummaryPort {
  constructor(private readonly file: string) {}

  async append(markdown: string): Promise<{ location: string }> {
    await mkdir(path.dirname(this.file), { recursive: true });
    await appendFile(this.file, `${markdown}\n`);
    return { location: this.file };
  }
}
