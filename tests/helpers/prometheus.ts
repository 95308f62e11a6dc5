/**
 * Waiting on a Prometheus the test started: its scrapers pick up targets and samples a few
 * seconds after start, and a stage that asks too early rightly finds no data.
 */

interface QueryResult {
  value: [number, string];
}

/** Polls an instant query until `accept` takes its result; throws `describe()` after `timeoutMs`. */
export async function untilQueryAnswers(
  prometheusPort: number,
  query: string,
  accept: (result: QueryResult[]) => boolean,
  describe: () => string,
  timeoutMs = 30_000,
): Promise<void> {
  const url = new URL(`http://127.0.0.1:${prometheusPort}/api/v1/query`);
  url.searchParams.set('query', query);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const body = (await (await fetch(url)).json()) as { data?: { result?: QueryResult[] } };
    if (accept(body.data?.result ?? [])) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(describe());
}

/** Until both model servers (job "model") are scraped targets. */
export function untilBothServersScraped(prometheusPort: number, output: () => string): Promise<void> {
  return untilQueryAnswers(
    prometheusPort,
    'sum(up{job="model"})',
    (result) => result[0]?.value[1] === '2',
    () => `Prometheus never scraped both model servers:\n${output()}`,
  );
}

/**
 * Until Prometheus holds a request rate for the baseline's predictions, as production has before
 * a rollout: the canary's pre-flight asks for the baseline's data.
 */
export function untilBaselineScraped(prometheusPort: number): Promise<void> {
  return untilQueryAnswers(
    prometheusPort,
    'sum(rate(http_requests_total{variant="baseline",path="/predict"}[1s]))',
    (result) => result.length > 0,
    () => 'Prometheus has no baseline request rate after 30 s',
  );
}
