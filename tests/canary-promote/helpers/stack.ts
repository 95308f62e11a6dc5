import { copyFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempProject } from '../../helpers/cli.js';
import { commitAll, initRepository } from '../../helpers/git.js';
import { untilBothServersScraped } from '../../helpers/prometheus.js';
import { BASELINE_DIGEST, DIGEST } from './flow.js';
import { startLoad } from './load.js';
import { freePort, requireProgram, startProcess, waitForHttp, type Running } from './processes.js';

export const ROOT = path.resolve(import.meta.dirname, '../../..');
export const EXAMPLE = path.join(ROOT, 'examples/credit-scoring');

export interface CanaryBehaviour {
  /** Share of predictions answered with a 500. */
  failRate?: number;
  /** Delay added to every prediction. */
  extraLatencyMs?: number;
}

export interface Ports {
  baseline: number;
  canary: number;
  nginx: number;
  prometheus: number;
}

/** The two metrics the example judges, over 1 s rate windows to suit 2 s test steps. */
export const TEST_METRICS = `      metrics:
        - id: error_rate
          query: (sum(rate(http_requests_total{variant="{variant}",path="/predict",code=~"5.."}[1s])) or vector(0)) / sum(rate(http_requests_total{variant="{variant}",path="/predict"}[1s]))
          bad_when: increase
          critical: true
        - id: latency_p95_ms
          query: histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{variant="{variant}",path="/predict"}[1s]))) * 1000
          bad_when: increase`;

export function canaryConfig(
  ports: Ports,
  options: { steps?: number[]; stepDuration?: string; canary?: string } = {},
): string {
  const servers = `--baseline 127.0.0.1:${ports.baseline} --canary 127.0.0.1:${ports.canary}`;
  return `version: 1
charter:
  name: canary-test
  business_problem: Late payers cost money.
flow:
  enforce: strict
  build:
    command: node train.mjs --data data/credit.csv --out model/
    model: model/
  sanity:
    predict: node predict.mjs --model {model} --input {input} --output {output}
    sample: data/sample.csv
  fairness:
    attributes: [gender]
    prediction: prediction
  deploy_test:
    environment: staging
    deploy: node scripts/deploy.mjs staging {model}
  canary:
    environment: production
    steps: [${(options.steps ?? [5, 25, 50, 100]).join(', ')}]
    step_duration: ${options.stepDuration ?? '2s'}
${options.canary ?? ''}    traffic: node scripts/set-weight.mjs {weight} ${servers}
    promote: node scripts/promote.mjs {model} ${servers}
    rollback: node scripts/rollback.mjs ${servers}
    endpoints:
      baseline: http://127.0.0.1:${ports.baseline}/predict
      canary: http://127.0.0.1:${ports.canary}/predict
    analysis:
      provider: prometheus
      address: http://127.0.0.1:${ports.prometheus}
${TEST_METRICS}
      pass_score: 95
`;
}

/** One JSON instance the example model accepts: the first row of its sample. */
export function predictBody(): string {
  const [header, first] = readFileSync(path.join(EXAMPLE, 'data/sample.csv'), 'utf8').split('\n') as [
    string,
    string,
  ];
  const names = header.split(',');
  const values = first.split(',');
  return JSON.stringify(
    Object.fromEntries(
      names.map((name, i) => [name, Number.isNaN(Number(values[i])) ? values[i] : Number(values[i])]),
    ),
  );
}

/**
 * The canary's world on 127.0.0.1: the example's model server twice (baseline and canary
 * variants), nginx splitting traffic between them by weight (the example's set-weight.mjs
 * rewrites its upstream and reloads it), and Prometheus scraping both every 100 ms.
 */
export class CanaryStack {
  private constructor(
    readonly project: string,
    readonly ports: Ports,
    private readonly processes: Map<string, Running>,
  ) {}

  static async start(): Promise<CanaryStack> {
    const nginx = requireProgram('nginx', ['/usr/sbin/nginx', '/usr/bin/nginx']);
    const prometheus = requireProgram('prometheus', ['/usr/bin/prometheus', '/usr/local/bin/prometheus']);
    const project = tempProject();
    initRepository(project);
    mkdirSync(path.join(project, 'scripts'));
    for (const script of ['set-weight.mjs', 'promote.mjs', 'rollback.mjs'])
      copyFileSync(path.join(EXAMPLE, 'scripts', script), path.join(project, 'scripts', script));
    writeFileSync(path.join(project, '.gitignore'), 'model/\nbaseline-model/\n.mlops-flow/\n');
    const ports: Ports = {
      baseline: await freePort(),
      canary: await freePort(),
      nginx: await freePort(),
      prometheus: await freePort(),
    };
    writeFileSync(path.join(project, 'mlops.yml'), canaryConfig(ports));
    commitAll(project, 'canary project');
    const stack = new CanaryStack(project, ports, new Map());
    try {
      const train = startProcess(
        [
          process.execPath,
          path.join(EXAMPLE, 'train.mjs'),
          '--data',
          path.join(EXAMPLE, 'data/credit.csv'),
          '--out',
          path.join(project, 'model'),
        ],
        { cwd: EXAMPLE },
      );
      await new Promise((resolve) => train.child.once('exit', resolve));
      if (train.child.exitCode !== 0) throw new Error(`training failed:\n${train.output()}`);
      // The model-server contract: the canary serves this rollout's model, the baseline the
      // production model the ledger records (the same weights, named as another build).
      cpSync(path.join(project, 'model'), path.join(project, 'baseline-model'), { recursive: true });
      writeFileSync(path.join(project, 'model/model-manifest.json'), JSON.stringify({ digest: DIGEST }));
      writeFileSync(
        path.join(project, 'baseline-model/model-manifest.json'),
        JSON.stringify({ digest: BASELINE_DIGEST }),
      );

      await Promise.all([stack.startServer('baseline', {}), stack.startServer('canary', {})]);
      await stack.startNginx(nginx);
      await stack.startPrometheus(prometheus);
    } catch (error) {
      await stack.stop();
      throw error;
    }
    return stack;
  }

  /** (Re)starts a variant's model server with the given behaviour. */
  async startServer(variant: 'baseline' | 'canary', behaviour: CanaryBehaviour): Promise<void> {
    await this.processes.get(variant)?.stop();
    const port = this.ports[variant];
    const running = startProcess([
      process.execPath,
      path.join(EXAMPLE, 'server.mjs'),
      '--model',
      path.join(this.project, variant === 'canary' ? 'model' : 'baseline-model'),
      '--port',
      String(port),
      '--variant',
      variant,
      '--fail-rate',
      String(behaviour.failRate ?? 0),
      '--extra-latency-ms',
      String(behaviour.extraLatencyMs ?? 0),
    ]);
    this.processes.set(variant, running);
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, running);
  }

  private async startNginx(nginx: string): Promise<void> {
    const traffic = path.join(this.project, '.mlops-flow/traffic');
    const servers = [
      '--baseline',
      `127.0.0.1:${this.ports.baseline}`,
      '--canary',
      `127.0.0.1:${this.ports.canary}`,
    ];
    const initial = startProcess([process.execPath, 'scripts/set-weight.mjs', '0', ...servers], {
      cwd: this.project,
    });
    await new Promise((resolve) => initial.child.once('exit', resolve));
    mkdirSync(path.join(traffic, 'temp'), { recursive: true });
    const temp = (name: string) => `${name}_temp_path ${path.join(traffic, 'temp', name)};`;
    writeFileSync(
      path.join(traffic, 'nginx.conf'),
      `daemon off;
worker_processes 1;
pid ${path.join(traffic, 'nginx.pid')};
error_log ${path.join(traffic, 'error.log')} warn;
events { worker_connections 512; }
http {
  access_log off;
  ${temp('client_body')} ${temp('proxy')} ${temp('fastcgi')} ${temp('uwsgi')} ${temp('scgi')}
  include ${path.join(traffic, 'upstream.conf')};
  server {
    listen 127.0.0.1:${this.ports.nginx};
    location / {
      proxy_pass http://model;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`,
    );
    const running = startProcess([
      nginx,
      '-p',
      traffic,
      '-e',
      path.join(traffic, 'error.log'),
      '-c',
      path.join(traffic, 'nginx.conf'),
    ]);
    this.processes.set('nginx', running);
    await waitForHttp(`http://127.0.0.1:${this.ports.nginx}/healthz`, running);
  }

  private async startPrometheus(prometheus: string): Promise<void> {
    const directory = path.join(this.project, '.mlops-flow/prometheus');
    mkdirSync(directory, { recursive: true });
    writeFileSync(
      path.join(directory, 'prometheus.yml'),
      `global:
  scrape_interval: 100ms
  scrape_timeout: 90ms
  evaluation_interval: 1s
scrape_configs:
  - job_name: model
    static_configs:
      - targets: ['127.0.0.1:${this.ports.baseline}', '127.0.0.1:${this.ports.canary}']
`,
    );
    const running = startProcess([
      prometheus,
      `--config.file=${path.join(directory, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(directory, 'data')}`,
      `--web.listen-address=127.0.0.1:${this.ports.prometheus}`,
      '--log.level=warn',
    ]);
    this.processes.set('prometheus', running);
    await waitForHttp(`http://127.0.0.1:${this.ports.prometheus}/-/ready`, running, 30_000);
    await untilBothServersScraped(this.ports.prometheus, () => running.output());
  }

  /** Steady load through nginx, as users would send it. */
  load(perSecond = 250) {
    return startLoad(`http://127.0.0.1:${this.ports.nginx}/predict`, predictBody(), perSecond);
  }

  /** nginx's current upstream: which server gets what share. */
  upstream(): string {
    return readFileSync(path.join(this.project, '.mlops-flow/traffic/upstream.conf'), 'utf8');
  }

  logs(): string {
    return [...this.processes].map(([name, p]) => `--- ${name}\n${p.output().slice(-2000)}`).join('\n');
  }

  async stop(): Promise<void> {
    await Promise.all([...this.processes.values()].map((p) => p.stop()));
  }
}
