import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A model server that speaks only the model-server contract's identity part: GET /healthz
 * answers the digest it is told to serve, and every answer carries x-model-digest. The stage
 * tests judge stand-in metrics, so no prediction is needed; `serve` changes the digest (another
 * model took the port), `undefined` names none.
 */
export async function startVariant(digest: string | undefined) {
  let current = digest;
  const server = http.createServer((request, response) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (current) headers['x-model-digest'] = current;
    const healthz = request.url === '/healthz';
    response.writeHead(healthz ? 200 : 404, headers);
    response.end(
      JSON.stringify(healthz ? { status: 'ok', ...(current ? { model_digest: current } : {}) } : {}),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/predict`,
    serve(next: string | undefined) {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
