/**
 * monitor: the seventh stage, run on a schedule. It reads the production model's prediction log
 * window by window (labels joined as they arrive), judges every charter goal production can
 * measure — realised from labels, estimated from calibrated scores before that, and the domain
 * and business levels through their derivations — tests every column for drift against the data
 * the model was evaluated on, and acts: one issue per problem, a rebuild when a goal is newly
 * missed. The newest window decides the verdict.
 */
import path from 'node:path';
import { parseGoal } from '../../config/goal.js';
import {
  worstVerdict,
  type AlignmentCell,
  type Check,
  type StageResult,
  type Verdict,
} from '../../core/result.js';
import { UserError } from '../../flow/errors.js';
import {
  columnsOf,
  driftOfColumns,
  estimate,
  realise,
  referenceDistributions,
  scanReference,
} from '../../monitor/compare-files.js';
import { logFiles, readLabels, readWindows, type LogColumns } from '../../monitor/production-log.js';
import type { StageContext, StageDefinition } from '../stage.js';
import { act } from './act.js';
import { judgeDrift, judgeGoals, type WindowFindings } from './judge.js';
import { monitorSection, type WindowReport } from './section.js';
import { resolveSources, windowLength } from './sources.js';

export type MonitorSettings = Record<string, never>;

export const REPORT_PATH = '.mlops-flow/reports/monitor.json';

export const monitor: StageDefinition<MonitorSettings> = {
  name: 'monitor',
  async run(context: StageContext<MonitorSettings>): Promise<StageResult> {
    const { loaded, platform } = context;
    const spec = loaded.config.flow?.monitor;
    if (!spec) {
      return {
        stage: 'monitor',
        verdict: 'skip',
        summary: 'flow.monitor is not configured in mlops.yml',
        checks: [],
        metrics: [],
        section: 'Not configured.',
        outputs: { status: 'skip', retrain: 'false' },
      };
    }
    const sources = await resolveSources(loaded, spec);
    const relative = (file: string) => path.relative(loaded.projectRoot, file) || '.';
    const columns: LogColumns = {
      id: spec.id ?? 'request_id',
      timestamp: spec.timestamp ?? 'timestamp',
      label: spec.label ?? loaded.config.flow?.fairness?.label ?? 'label',
      ...(spec.prediction || !spec.score ? { prediction: spec.prediction ?? 'prediction' } : {}),
      ...(spec.score ? { score: spec.score, threshold: spec.threshold ?? 0.5 } : {}),
      ...(spec.positive_label !== undefined ? { positiveLabel: String(spec.positive_label) } : {}),
    };
    const files = await logFiles(sources.log);
    if (files.length === 0)
      throw new UserError(
        `flow.monitor.log ${relative(sources.log)} holds no CSV, JSON Lines or Parquet file`,
      );

    // Which columns to test: the configured features, else every column log and reference share.
    const referenceColumns = await columnsOf(sources.reference);
    const logColumns = await columnsOf(files[0] as string);
    const roles = new Set([columns.id, columns.timestamp, columns.label, columns.prediction].filter(Boolean));
    const driftColumns = (spec.features ?? logColumns).filter(
      (column) => referenceColumns.includes(column) && logColumns.includes(column) && !roles.has(column),
    );
    if (spec.score && !driftColumns.includes(spec.score) && referenceColumns.includes(spec.score))
      driftColumns.push(spec.score);

    const compare = {
      reference: sources.reference,
      current: files[0] as string,
      label: columns.label,
      ...(columns.score ? { score: columns.score, threshold: columns.threshold as number } : {}),
      ...(columns.positiveLabel ? { positiveLabel: columns.positiveLabel } : {}),
    };
    const reference = await scanReference(
      compare,
      driftColumns,
      referenceColumns,
      referenceColumns.includes(columns.label),
    );
    const distributions = referenceDistributions(reference.samples);
    const labels = sources.labels ? await readLabels(sources.labels, columns) : new Map<string, number>();
    const windows = await readWindows(
      files,
      columns,
      driftColumns,
      distributions,
      labels,
      windowLength(spec.window),
    );
    if (windows.length === 0) {
      return {
        stage: 'monitor',
        verdict: 'skip',
        summary: `the prediction log ${relative(sources.log)} has no requests yet`,
        checks: [],
        metrics: [],
        section: `The prediction log ${'`'}${relative(sources.log)}${'`'} has no requests yet.`,
        outputs: { status: 'skip', retrain: 'false' },
      };
    }

    const reports: WindowReport[] = windows.map((window) => {
      const { columns: drift, skipped } = driftOfColumns(
        driftColumns,
        reference.samples,
        distributions,
        window.columns,
      );
      const scoreDistribution = columns.score ? distributions.get(columns.score) : undefined;
      const scoreCounts = columns.score ? window.columns.get(columns.score)?.counts : undefined;
      const outside =
        scoreDistribution && scoreCounts
          ? (scoreCounts.between[0] as number) +
            (scoreCounts.between[scoreDistribution.values.length] as number)
          : 0;
      const findings: WindowFindings = {
        start: window.start,
        end: window.end,
        rows: window.rows,
        labelled: window.confusion
          ? window.confusion.tp + window.confusion.fp + window.confusion.fn + window.confusion.tn
          : 0,
        drift,
        skipped,
        ...(columns.score
          ? { estimated: estimate(compare, window.scoreSums, reference.labelled, outside, scoreDistribution) }
          : {}),
        ...(window.confusion ? { realised: realise(window.confusion) } : {}),
      };
      return {
        window: findings,
        goals: judgeGoals(loaded.config, spec, findings),
        drift: judgeDrift(spec, drift),
      };
    });
    const latest = reports[reports.length - 1] as WindowReport;
    const goalValues = new Map<string, number>();
    for (const level of ['model', 'domain', 'business'] as const) {
      for (const metric of loaded.config.charter.metrics?.[level] ?? []) {
        if (metric.goal !== undefined) goalValues.set(metric.id, parseGoal(metric.goal, metric.id).value);
      }
    }
    const actions = await act(platform, spec, latest, reports, goalValues, driftColumns);

    const checks: Check[] = [
      ...latest.goals.map((goal): Check => ({
        id: `monitor/goal/${goal.metric}`,
        title: `${goal.metric} in production`,
        verdict: goal.verdict,
        observed: goal.value === null ? goal.reason : `${goal.value} (${goal.basis})`,
        expected: goal.goal,
      })),
      ...latest.drift.map((column): Check => ({
        id: `monitor/drift/${column.column}`,
        title: `Drift of ${column.column}`,
        verdict: column.drifted ? 'warn' : 'pass',
        observed: `${column.test} p = ${column.p_value.toPrecision(3)}, PSI ${column.psi.toFixed(3)}`,
      })),
    ];
    const verdict: Verdict = worstVerdict(checks.map((check) => check.verdict).filter((v) => v !== 'skip'));
    const failing = latest.goals.filter((goal) => goal.verdict === 'fail').map((goal) => goal.metric);
    const drifting = latest.drift.filter((column) => column.drifted).map((column) => column.column);
    const summary =
      failing.length > 0
        ? `missed in production: ${failing.join(', ')}${drifting.length ? `; drift: ${drifting.join(', ')}` : ''}`
        : drifting.length > 0
          ? `goals hold; drift of ${drifting.join(', ')}`
          : `goals hold and nothing drifted in the newest window (${latest.window.rows} requests)`;
    const alignment: AlignmentCell[] = latest.goals.map((goal) => ({
      metric: goal.metric,
      level: goal.level,
      source: 'production',
      value: goal.value,
      goal: goal.goal,
      ...(goal.basis === 'estimated' || goal.basis === 'derived' ? { estimated: true } : {}),
      verdict: goal.verdict,
    }));
    const report = {
      log: relative(sources.log),
      reference: relative(sources.reference),
      ...(sources.labels ? { labels: relative(sources.labels) } : {}),
      windows: reports,
      actions,
    };
    const firstIssue = actions.issues.find(
      (issue) => issue.number !== undefined && issue.action !== 'closed',
    );
    return {
      stage: 'monitor',
      verdict,
      summary,
      checks,
      metrics: latest.goals.map((goal) => ({
        id: goal.metric,
        level: goal.level,
        source: 'production',
        value: goal.value,
        ...(goal.interval ? { interval: goal.interval } : {}),
        ...(goal.basis === 'estimated' || goal.basis === 'derived' ? { estimated: true } : {}),
        verdict: goal.verdict,
      })),
      section: monitorSection(reports, actions, goalValues, REPORT_PATH),
      outputs: {
        status: verdict,
        retrain: actions.retrain ? 'true' : 'false',
        ...(firstIssue?.number !== undefined ? { 'issue-number': String(firstIssue.number) } : {}),
        'production-metrics': JSON.stringify(
          Object.fromEntries(
            latest.goals
              .filter((g) => g.level === 'model' && g.value !== null)
              .map((g) => [g.metric, g.value]),
          ),
        ),
      },
      alignment,
      files: [{ path: REPORT_PATH, content: `${JSON.stringify(report, null, 2)}\n` }],
    };
  },
};
