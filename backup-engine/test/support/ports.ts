/** A loopback port nothing listens on right now (bound, read, closed): for servers a test starts, or must not find. */
import { createServer } from 'node:net';

export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}
