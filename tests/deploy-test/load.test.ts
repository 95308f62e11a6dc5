import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, test } from '@jest/globals';
import {
  EndpointError,
  parsePredictions,
  requestBody,
  toInstance,
} from '../../src/deploy/endpoint-client.js';
import { keepAliveAgent } from '../../src/deploy/http.js';
import { runLoad, throughputOf } from '../../src/deploy/load-generator.js';
import {
  LatencySamples,
  percentileInterval,
  percentileOf,
  summarizeLatencies,
} from '../../src/deploy/percentiles.js';
import { dueAt, dueBy, plannedRequests, untilNext } from '../../src/deploy/schedule.js';
import { judgeWithInterval } from '../../src/stages/deploy-test/goals.js';
import { labelColumn } from '../../src/stages/deploy-test/replay.js';
import { deployTestSection, niceCeiling } from '../../src/stages/deploy-test/section.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('percentiles', () => {
  test('nearest rank, as HdrHistogram: the smallest sample with at least p% at or below it', () => {
    const values = range(100);
    expect(percentileOf(values, 50)).toBe(50);
    expect(percentileOf(values, 95)).toBe(95);
    expect(percentileOf(values, 99)).toBe(99);
    expect(percentileOf(values, 100)).toBe(100);
    expect(percentileOf([7], 99)).toBe(7);
    expect(percentileOf([1, 2, 3], 50)).toBe(2);
    expect(percentileOf([1, 2, 3, 4], 50)).toBe(2);
    expect(percentileOf([], 95)).toBeNull();
    expect(() => percentileOf([1], 0)).toThrow(RangeError);
  });

  test('the samples are sorted on demand, whatever order they came in', () => {
    const samples = new LatencySamples();
    for (const value of [30, 10, 20, 50, 40]) samples.add(value);
    expect(samples.ascending()).toEqual([10, 20, 30, 40, 50]);
    expect(summarizeLatencies(samples.ascending())).toMatchObject({
      count: 5,
      min: 10,
      max: 50,
      mean: 30,
      p50: 30,
    });
  });

  test('a distribution-free interval from order statistics: it holds the percentile and narrows with samples', () => {
    const small = percentileInterval(range(100), 95) as [number, number];
    expect(small[0]).toBeLessThanOrEqual(95);
    expect(small[1]).toBeGreaterThanOrEqual(95);
    // n·q ± 1.96·√(n·q·(1−q)): ranks 90 and 100 of 100.
    expect(small).toEqual([90, 100]);
    const large = percentileInterval(range(10_000), 95) as [number, number];
    expect(large[1] - large[0]).toBeLessThan(100);
    expect(large[0]).toBeLessThanOrEqual(9500);
    expect(large[1]).toBeGreaterThanOrEqual(9500);
    expect(percentileInterval([], 95)).toBeNull();
  });

  test('a latency goal is judged like any other: fail only when the whole interval misses', () => {
    const goal = { op: '<=' as const, value: 100 };
    expect(judgeWithInterval(90, [80, 120], goal).verdict).toBe('pass');
    expect(judgeWithInterval(110, [95, 130], goal).verdict).toBe('inconclusive');
    expect(judgeWithInterval(140, [120, 160], goal).verdict).toBe('fail');
    expect(judgeWithInterval(null, null, goal).verdict).toBe('inconclusive');
  });
});

describe('the open-loop schedule', () => {
  const plan = { rate: 50, durationMs: 2000 };

  test('one request every 1/rate seconds, decided by the clock alone', () => {
    expect(plannedRequests(plan)).toBe(100);
    expect(plannedRequests({ rate: 0.5, durationMs: 1000 })).toBe(1);
    expect(plannedRequests({ rate: 3, durationMs: 1000 })).toBe(3);
    expect(dueAt(plan, 0)).toBe(0);
    expect(dueAt(plan, 1)).toBe(20);
    expect(dueAt(plan, 99)).toBe(1980);
    expect(() => plannedRequests({ rate: 0, durationMs: 1000 })).toThrow(RangeError);
  });

  test('a late tick sends every request it missed, never fewer, never past the end', () => {
    expect(dueBy(plan, 0, 0)).toBe(1);
    expect(dueBy(plan, 19.9, 1)).toBe(1);
    expect(dueBy(plan, 20, 1)).toBe(2);
    // The timer woke 200 ms late: ten requests are due at once, each keeping its own due time.
    expect(dueBy(plan, 219, 1)).toBe(11);
    expect(dueBy(plan, 60_000, 50)).toBe(100);
    // Whatever the answers do, what was sent stays sent.
    expect(dueBy(plan, 0, 7)).toBe(7);
    expect(untilNext(plan, 30, 2)).toBe(10);
    expect(untilNext(plan, 50, 2)).toBe(0);
  });

  test('throughput is charged for the time a server takes to catch up', () => {
    expect(throughputOf(100, 2000, 1990)).toBe(50);
    expect(throughputOf(100, 2000, 4000)).toBe(25);
  });
});

describe('the endpoint contract', () => {
  test('CSV rows become JSON instances: plain numbers as numbers, codes with leading zeros as text, no label', () => {
    const instance = toInstance(
      { id: 'C01', income: '52.5', zip: '01234', count: '0', label: '1', empty: '', sci: '1e3' },
      new Set(['label']),
    );
    expect(instance).toEqual({ id: 'C01', income: 52.5, zip: '01234', count: 0, empty: null, sci: 1000 });
    expect(requestBody([instance])).toBe(JSON.stringify({ instances: [instance] }));
  });

  test('predictions are read in order, as objects or bare 0/1, and contract breaches are named', () => {
    expect(
      parsePredictions('{"predictions":[{"prediction":1,"score":0.9},{"prediction":0},true]}', 3),
    ).toEqual([{ prediction: 1, score: 0.9 }, { prediction: 0 }, { prediction: 1 }]);
    expect(() => parsePredictions('{"predictions":[1]}', 2)).toThrow(/1 predictions for 2 instances/);
    expect(() => parsePredictions('{"result":[]}', 0)).toThrow(/no "predictions" array/);
    expect(() => parsePredictions('<html>', 1)).toThrow(EndpointError);
    expect(() => parsePredictions('{"predictions":[{"prediction":"bad"}]}', 1)).toThrow(
      /prediction 0 is "bad"/,
    );
    expect(() => parsePredictions('{"predictions":[{"prediction":1,"score":"x"}]}', 1)).toThrow(/score "x"/);
  });

  test('the label column: named label, or the one column the sanity sample lacks', () => {
    const table = { columns: ['id', 'income', 'bad_payer'], rows: [] };
    expect(labelColumn(table, 'r.csv', { sampleColumns: ['id', 'income'] })).toBe('bad_payer');
    expect(labelColumn({ columns: ['id', 'label'], rows: [] }, 'r.csv', {})).toBe('label');
    expect(labelColumn(table, 'r.csv', { fairnessLabel: 'bad_payer' })).toBe('bad_payer');
    expect(() => labelColumn(table, 'r.csv', {})).toThrow(/cannot tell which column of r.csv is the label/);
  });

  test('chart axes end on round numbers', () => {
    expect(niceCeiling(3.3)).toBe(5);
    expect(niceCeiling(110)).toBe(200);
    expect(niceCeiling(0.8)).toBe(1);
    expect(niceCeiling(0)).toBe(1);
  });
});

describe('the load generator against an in-process server', () => {
  test('a stall shows up in every request due during it, not once (coordinated omission avoided)', async () => {
    let count = 0;
    const server = http.createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        // The first answer takes 300 ms; the rest are instant.
        const delay = count++ === 0 ? 300 : 0;
        setTimeout(() => {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end('{"predictions":[{"prediction":1}]}');
        }, delay);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/predict`);
    const agent = keepAliveAgent(url, 1);
    const progress: number[] = [];
    try {
      const result = await runLoad({
        url,
        agent,
        timeoutMs: 5000,
        rate: 50,
        durationMs: 1000,
        bodies: ['{"instances":[{}]}'],
        progressEveryMs: 400,
        onProgress: (p) => progress.push(p.sent),
      });
      expect(result.planned).toBe(50);
      expect(result.ok).toBe(50);
      expect(result.errorCount).toBe(0);
      const slow = result.latencies.ascending().filter((ms) => ms > 100);
      // Requests due at 0, 20, …, 280 ms all waited behind the stall on the one connection: a
      // closed-loop tester would have recorded a single slow request.
      expect(slow.length).toBeGreaterThanOrEqual(10);
      expect(progress.length).toBeGreaterThanOrEqual(2);
    } finally {
      agent.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('timeouts, refused connections and broken answers are errors by kind', async () => {
    const server = http.createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        if (request.url === '/hang') return; // never answers
        response.writeHead(200);
        response.end('{"oops":true}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const run = (url: URL) =>
        runLoad({
          url,
          agent: keepAliveAgent(url, 2),
          timeoutMs: 200,
          rate: 20,
          durationMs: 200,
          bodies: ['{}'],
        });
      const hung = await run(new URL(`${base}/hang`));
      expect(hung.errors.timeout).toBe(4);
      // A timed-out request counts in the latencies at its deadline or more, never left out.
      expect(hung.latencies.count).toBe(4);
      expect(hung.timedOutLatencies).toBe(4);
      expect(Math.min(...hung.latencies.ascending())).toBeGreaterThanOrEqual(200);
      const broken = await run(new URL(`${base}/predict`));
      expect(broken.errors.invalid).toBe(4);
      expect(broken.ok).toBe(0);
      expect(broken.examples[0]).toMatch(/no "predictions" array/);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    const refused = await runLoad({
      url: new URL(base),
      agent: keepAliveAgent(new URL(base), 1),
      timeoutMs: 500,
      rate: 10,
      durationMs: 200,
      bodies: ['{}'],
    });
    expect(refused.errors.connection).toBe(2);
    expect(refused.latencies.count).toBe(0); // no answer to time
  });

  test('timeouts count in the percentiles: a server that times out 1 request in 10 cannot show a fast p95', async () => {
    let served = 0;
    const server = http.createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        served++;
        if (served % 10 === 0) return; // never answers: times out
        if (served % 10 === 5) {
          response.writeHead(503); // a fast error: counted in the latencies, as before
          response.end('{"error":"busy"}');
          return;
        }
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"predictions":[1]}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/predict`);
    try {
      const result = await runLoad({
        url,
        agent: keepAliveAgent(url, 20),
        timeoutMs: 300,
        rate: 100,
        durationMs: 400,
        bodies: ['{}'],
      });
      expect(result.errors.timeout).toBe(4);
      expect(result.errors.status).toEqual({ 503: 4 });
      expect(result.errorCount).toBe(8);
      expect(result.latencies.count).toBe(40);
      expect(result.timedOutLatencies).toBe(4);
      // 10% of the requests waited at least 300 ms: p95 says so (left out, it would be a few ms).
      expect(percentileOf(result.latencies.ascending(), 95)).toBeGreaterThanOrEqual(300);
      expect(percentileOf(result.latencies.ascending(), 50)).toBeLessThan(300);
      const section = deployTestSection({
        environment: 'staging',
        endpoint: url.href,
        verdict: 'fail',
        steps: [],
        judgements: [],
        load: result,
        gate: '',
      });
      expect(section).toContain('4 timeouts');
      expect(section).toMatch(
        /p95 \d+ ms, p99 \d+ ms, max \d+ ms \(the 4 timed-out requests count in the latencies at their timeout or more\)\./,
      );
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('an abort stops the load at once: no more requests, those in flight dropped, runLoad rejects', async () => {
    let received = 0;
    const server = http.createServer((request) => {
      request.resume();
      received++; // never answers
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/predict`);
    const controller = new AbortController();
    try {
      const started = performance.now();
      setTimeout(() => controller.abort(new Error('cancelled by SIGINT')), 300);
      const running = runLoad({
        url,
        agent: keepAliveAgent(url, 4),
        timeoutMs: 20_000,
        rate: 20,
        durationMs: 20_000,
        bodies: ['{}'],
        signal: controller.signal,
      });
      await expect(running).rejects.toThrow('cancelled by SIGINT');
      expect(performance.now() - started).toBeLessThan(1500);
      const seen = received;
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(received).toBe(seen); // nothing sent after the abort
      expect(seen).toBeLessThan(20);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
