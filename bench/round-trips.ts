/**
 * Round trips to PostgreSQL counted on the wire: a TCP proxy between an API process and the server that
 * counts the messages after which a client waits for the server — a simple Query ('Q') or the Sync ('S')
 * that ends an extended-protocol query (Parse/Bind/Execute). Whatever sends them (slonik, its
 * transaction's START TRANSACTION and COMMIT, the session lookup) is counted the same.
 */
import net from "node:net";

export interface WireCounter {
  readonly port: number;
  /** Round trips since the proxy opened or since the last `reset`. */
  count(): number;
  reset(): void;
  close(): Promise<void>;
}

/** The codes of the untyped requests a client may send before its startup message (SSL, GSS encryption). */
const PRE_STARTUP = new Set([80877103, 80877104]);

export async function countingProxy(target: { host: string; port: number }): Promise<WireCounter> {
  let roundTrips = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    let started = false;
    let pending: Buffer = Buffer.alloc(0);
    client.on("data", (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      for (;;) {
        if (!started) {
          if (pending.length < 8) break;
          const length = pending.readInt32BE(0);
          if (pending.length < length) break;
          if (!PRE_STARTUP.has(pending.readInt32BE(4))) started = true;
          pending = pending.subarray(length);
          continue;
        }
        if (pending.length < 5) break;
        const length = pending.readInt32BE(1);
        if (pending.length < 1 + length) break;
        const type = String.fromCharCode(pending[0] as number);
        if (type === "Q" || type === "S") roundTrips++;
        pending = pending.subarray(1 + length);
      }
      upstream.write(chunk);
    });
    upstream.on("data", (chunk) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("close", end).on("error", end);
    upstream.on("close", end).on("error", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    count: () => roundTrips,
    reset: () => {
      roundTrips = 0;
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
