/**
 * Every placeholder validate-charter accepts in a canary metric's query or command is one each
 * provider fills: nothing reaches Prometheus or a command as literal `{start}`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@jest/globals';
import { CommandProvider } from '../../src/canary/providers/command.js';
import { PrometheusProvider } from '../../src/canary/providers/prometheus.js';
import { CANARY_ANALYSIS_PLACEHOLDERS } from '../../src/exec/placeholders.js';
import { tempProject } from '../helpers/cli.js';

const window = { start: new Date('2026-11-25T10:00:00Z'), end: new Date('2026-11-25T10:05:00Z') };
const metric = { id: 'latency_p95_ms', bad_when: 'increase' as const };

test('the metric command gets the variant, metric id and window in its words', async () => {
  const provider = new CommandProvider({
    // Prints its arguments back as numbers where they are numbers, and their lengths otherwise.
    command: `node -e "console.log(JSON.stringify(process.argv.slice(1).map((a) => Number.isNaN(Number(a)) ? a.length : Number(a))))" {variant} {metric} {start} {end}`,
    cwd: tempProject(),
    env: { PATH: process.env.PATH ?? '' },
  });
  const values = await provider.samples({ metric, variant: 'canary', window });
  expect(values).toEqual(['canary'.length, 'latency_p95_ms'.length, 1795600800, 1795601100]);
  expect(CANARY_ANALYSIS_PLACEHOLDERS).toEqual(['variant', 'metric', 'start', 'end']);
});

test('a Prometheus query gets every placeholder filled before it is sent', async () => {
  const queries: string[] = [];
  const server = http.createServer((request, response) => {
    queries.push(new URL(request.url ?? '/', 'http://x').searchParams.get('query') ?? '');
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [] } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const address = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const provider = new PrometheusProvider({ address });
    await provider.samples({
      metric: { ...metric, query: 'm{variant="{variant}",name="{metric}"} @ {end} offset 1s # {start}' },
      variant: 'baseline',
      window,
    });
    expect(queries).toEqual([
      'm{variant="baseline",name="latency_p95_ms"} @ 1795601100.000 offset 1s # 1795600800.000',
    ]);
  } finally {
    server.close();
  }
});
