// The model server: POST /predict, GET /healthz, GET /metrics (Prometheus text format, request
// counts and latency histograms labelled by variant, so a canary can be judged against the
// baseline).
//
//   node server.mjs --model model/ --port 8080 --variant baseline [--host 127.0.0.1]
//
// It proves which model it serves (the model-server contract): GET /healthz answers
// {"status":"ok","model_digest":"sha256:…"} and every answer carries x-model-digest, the digest
// build-model wrote to the model directory's model-manifest.json. It exits non-zero at once when
// it cannot bind its port, so nothing else is measured in its place.
//
// For canary tests, faults can be injected: --fail-rate 0.05 answers 5% of predictions with a
// 500; --extra-latency-ms 40 delays every prediction.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadModel, missingColumns, predictRecord } from './lib/model.mjs';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'model/' },
    port: { type: 'string', default: '8080' },
    host: { type: 'string', default: '127.0.0.1' },
    variant: { type: 'string', default: 'baseline' },
    'fail-rate': { type: 'string', default: '0' },
    'extra-latency-ms': { type: 'string', default: '0' },
  },
});
let model;
try {
  model = loadModel(values.model);
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
let modelDigest;
try {
  modelDigest = JSON.parse(readFileSync(path.join(values.model, 'model-manifest.json'), 'utf8')).digest;
} catch (error) {
  // Trained by hand, not by build-model: it serves, but proves nothing (deploy-test refuses it).
  console.error(`serving a model without a digest: ${error.message}`);
}
const variant = values.variant;
const failRate = Number(values['fail-rate']);
const extraLatency = Number(values['extra-latency-ms']);
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const requests = new Map(); // "path|code" → count
const histogram = new Map(); // path → { buckets, sum, count }
let failureCounter = 0;

function observe(route, code, seconds) {
  const key = `${route}|${code}`;
  requests.set(key, (requests.get(key) ?? 0) + 1);
  const h = histogram.get(route) ?? { buckets: BUCKETS.map(() => 0), sum: 0, count: 0 };
  BUCKETS.forEach((le, i) => (h.buckets[i] += seconds <= le ? 1 : 0));
  h.sum += seconds;
  h.count += 1;
  histogram.set(route, h);
}

function metricsText() {
  const lines = [
    '# HELP http_requests_total Requests handled, by variant, path and status code.',
    '# TYPE http_requests_total counter',
  ];
  for (const [key, count] of requests) {
    const [route, code] = key.split('|');
    lines.push(`http_requests_total{variant="${variant}",path="${route}",code="${code}"} ${count}`);
  }
  lines.push(
    '# HELP http_request_duration_seconds Request latency, by variant and path.',
    '# TYPE http_request_duration_seconds histogram',
  );
  for (const [route, h] of histogram) {
    BUCKETS.forEach((le, i) =>
      lines.push(
        `http_request_duration_seconds_bucket{variant="${variant}",path="${route}",le="${le}"} ${h.buckets[i]}`,
      ),
    );
    lines.push(
      `http_request_duration_seconds_bucket{variant="${variant}",path="${route}",le="+Inf"} ${h.count}`,
    );
    lines.push(`http_request_duration_seconds_sum{variant="${variant}",path="${route}"} ${h.sum}`);
    lines.push(`http_request_duration_seconds_count{variant="${variant}",path="${route}"} ${h.count}`);
  }
  return lines.join('\n') + '\n';
}

function send(response, code, body, type = 'application/json') {
  response.writeHead(code, {
    'content-type': type,
    ...(modelDigest ? { 'x-model-digest': modelDigest } : {}),
  });
  response.end(typeof body === 'string' ? body : JSON.stringify(body));
}

function predict(body) {
  const parsed = JSON.parse(body);
  const instances = Array.isArray(parsed?.instances) ? parsed.instances : [parsed];
  return instances.map((row, index) => {
    if (typeof row !== 'object' || row === null || Array.isArray(row))
      throw Object.assign(new Error(`instance ${index}: not an object`), { status: 400 });
    const missing = missingColumns(model, Object.keys(row));
    if (missing.length > 0)
      throw Object.assign(new Error(`instance ${index}: missing ${missing.join(', ')}`), { status: 400 });
    try {
      const { prediction, score } = predictRecord(model, row);
      return { prediction, score: Number(score.toFixed(6)) };
    } catch (error) {
      throw Object.assign(new Error(`instance ${index}: ${error.message}`), { status: 400 });
    }
  });
}

const server = http.createServer((request, response) => {
  const started = process.hrtime.bigint();
  const route = new URL(request.url ?? '/', 'http://localhost').pathname;
  const done = (code, body, type) => {
    send(response, code, body, type);
    if (route !== '/metrics') observe(route, code, Number(process.hrtime.bigint() - started) / 1e9);
  };
  if (request.method === 'GET' && route === '/healthz')
    return done(200, { status: 'ok', model_digest: modelDigest, variant });
  if (request.method === 'GET' && route === '/metrics')
    return done(200, metricsText(), 'text/plain; version=0.0.4');
  if (request.method !== 'POST' || route !== '/predict') return done(404, { error: 'not found' });
  let body = '';
  request.setEncoding('utf8');
  request.on('data', (chunk) => {
    body += chunk;
    if (body.length > 10 * 1024 * 1024) request.destroy();
  });
  request.on('end', () => {
    setTimeout(() => {
      // Deterministic fault injection: every n-th request fails, n = 1 / fail-rate.
      if (failRate > 0 && ++failureCounter >= 1 / failRate) {
        failureCounter = 0;
        return done(500, { error: 'injected failure' });
      }
      try {
        done(200, { predictions: predict(body) });
      } catch (error) {
        done(error.status ?? 400, { error: error.message });
      }
    }, extraLatency);
  });
});

server.on('error', (error) => {
  console.error(`cannot serve on ${values.host}:${values.port}: ${error.code ?? error.message}`);
  process.exit(1);
});
server.listen(Number(values.port), values.host, () => {
  const { port } = server.address();
  console.log(JSON.stringify({ listening: `http://${values.host}:${port}`, variant }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.on('SIGINT', () => server.close(() => process.exit(0)));
