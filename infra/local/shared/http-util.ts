// Small HTTP plumbing shared by the local AWS stand-ins: they all listen on loopback, read whole bodies
// and must close promptly even while SDK clients hold keep-alive connections open.
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const LOOPBACK = '127.0.0.1';

/** Starts listening on 127.0.0.1 (port 0 picks a free one) and returns the base URL. */
export function listen(server: Server, port = 0): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, LOOPBACK, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      resolve(`http://${LOOPBACK}:${address.port}`);
    });
  });
}

/** Stops accepting connections and drops the idle keep-alive ones so close() does not hang. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeIdleConnections();
    // Keep-alive connections busy at this moment would otherwise hold the close for their idle timeout.
    setTimeout(() => server.closeAllConnections(), 250).unref();
  });
}

export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
