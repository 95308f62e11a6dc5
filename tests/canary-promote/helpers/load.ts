import http from 'node:http';

export interface LoadStats {
  sent: number;
  byStatus: Record<string, number>;
}

/**
 * Sends POST requests at a steady rate through nginx while the canary is judged, so both
 * variants serve traffic in proportion to their weights. Connection errors are counted, not thrown.
 */
export function startLoad(url: string, body: string, perSecond: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const stats: LoadStats = { sent: 0, byStatus: {} };
  const count = (key: string) => (stats.byStatus[key] = (stats.byStatus[key] ?? 0) + 1);
  const target = new URL(url);
  const send = () => {
    stats.sent++;
    const request = http.request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        timeout: 5000,
      },
      (response) => {
        response.resume();
        response.on('end', () => count(String(response.statusCode)));
      },
    );
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', () => count('error'));
    request.end(body);
  };
  const tickMs = 20;
  const perTick = Math.max(1, Math.round((perSecond * tickMs) / 1000));
  const timer = setInterval(() => {
    for (let i = 0; i < perTick; i++) send();
  }, tickMs);
  return {
    stats,
    stop() {
      clearInterval(timer);
      agent.destroy();
    },
  };
}
