import * as core from '@actions/core';
import type { SourceLocation } from '../../core/result.js';
import type { AnnotationPort, LogPort, OutputPort, SummaryPort } from '../ports.js';

/** Annotations through @actions/core, so they land on the file and line in the PR diff. */
export class ActionsAnnotations implements AnnotationPort {
  private properties(location?: SourceLocation): core.AnnotationProperties {
    if (!location) return {};
    return {
      file: location.file,
      startLine: location.line,
      startColumn: location.column,
      ...(location.endLine ? { endLine: location.endLine } : {}),
      ...(location.endColumn && location.endLine === location.line ? { endColumn: location.endColumn } : {}),
    };
  }
  error(message: string, location?: SourceLocation): void {
    core.error(message, this.properties(location));
  }
  warning(message: string, location?: SourceLocation): void {
    core.warning(message, this.properties(location));
  }
  notice(message: string, location?: SourceLocation): void {
    core.notice(message, this.properties(location));
  }
}

export class ActionsOutputs implements OutputPort {
  set(name: string, value: string): void {
    core.setOutput(name, value);
  }
}

export class ActionsLog implements LogPort {
  info(message: string): void {
    core.info(message);
  }
  debug(message: string): void {
    core.debug(message);
  }
  group<T>(title: string, work: () => Promise<T>): Promise<T> {
    return core.group(title, work);
  }
}

/** The job summary; outside a GitHub runner (no GITHUB_STEP_SUMMARY) it is skipped with a note. */
export class ActionsSummary implements SummaryPort {
  async append(markdown: string): Promise<{ location: string }> {
    if (!process.env.GITHUB_STEP_SUMMARY) return { location: 'the step log (no job summary outside GitHub)' };
    await core.summary.addRaw(markdown, true).write();
    return { location: 'the job summary' };
  }
}
