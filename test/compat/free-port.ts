// Picks a free loopback TCP port for the servers the Node tests start (redis-server, the gateway).
import { createServer } from "node:net";

/** Asks the kernel for an unused port on 127.0.0.1, then releases it for the caller to bind. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
