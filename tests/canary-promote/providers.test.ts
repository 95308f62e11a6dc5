/**
 * The HTTP metric provider against a real server on loopback: the placeholders it documents
 * ({metric}, {variant}, {start}, {end}) are filled where written, whatever is not written goes as
 * a parameter, and a cancelled job does not wait for a server that never answers.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { HttpProvider } from '../../src/canary/providers/http.js';
import type { CanaryMetricSpec } from '../../src/config/types.js';

const WINDOW = { start: new Date('2026-11-25T10:00:00.250Z'), end: new Date('2026-11-25T10:05:00Z') };
const START = (WINDOW.start.getTime() / 1000).toFixed(3); // 1795600800.250
const END = (WINDOW.end.getTime() / 1000).toFixed(3);

describe('the HTTP provider', () => {
  let server: http.Server;
  let address: string;
  const asked: string[] = [];
  beforeAll(async () => {
    server = http.createServer((request, response) => {
      asked.push(request.url ?? '');
      if (request.url?.startsWith('/hang')) return; // never answers
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ values: [1, 2, null] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    address = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const metric = (query: string) => ({ id: 'p99 latency', query }) as CanaryMetricSpec;

  test('fills {metric}, {variant}, {start} and {end} where the query writes them, URL-encoded', async () => {
    const provider = new HttpProvider({ address });
    const values = await provider.samples({
      metric: metric('/metrics/{metric}/{variant}?from={start}&to={end}'),
      variant: 'canary',
      window: WINDOW,
    });
    expect(values).toEqual([1, 2, Number.NaN]);
    expect(asked.at(-1)).toBe(`/metrics/p99%20latency/canary?from=${START}&to=${END}`);
  });

  test('what the query does not place is sent as a parameter, so baseline and canary never read the same URL', async () => {
    const provider = new HttpProvider({ address });
    const request = { metric: metric('/metrics/{metric}?window={start}-{end}'), window: WINDOW };
    expect(provider.url({ ...request, variant: 'baseline' }).toString()).toBe(
      `${address}metrics/p99%20latency?window=${START}-${END}&variant=baseline`,
    );
    expect(provider.url({ ...request, variant: 'canary' }).searchParams.get('variant')).toBe('canary');
    // No placeholder at all: every value is a parameter.
    expect(provider.url({ ...request, metric: metric('values'), variant: 'canary' }).search).toBe(
      `?metric=p99+latency&variant=canary&start=${START}&end=${END}`,
    );
  });

  test("a cancelled job's signal ends a request the server never answers", async () => {
    const provider = new HttpProvider({ address, timeoutMs: 60_000 });
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(), 100);
    await expect(
      provider.samples({
        metric: metric('/hang'),
        variant: 'canary',
        window: WINDOW,
        signal: controller.signal,
      }),
    ).rejects.toThrow(/abort/i);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
