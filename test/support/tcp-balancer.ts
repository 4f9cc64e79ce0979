import { connect, createServer, type Socket } from 'node:net';

/** An L4 load balancer on loopback: round robin over the backends, skipping one that refuses the connection. */
export interface TcpBalancer {
  url: string;
  port: number;
  /** Connections handed to each backend port so far. */
  counts: Map<number, number>;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

/**
 * What a Kubernetes Service or an L4 balancer does for linkmic: each new TCP connection goes to the next backend
 * that accepts it. A draining node has closed its listening socket, so it is skipped at once.
 */
export async function startTcpBalancer(backendPorts: readonly number[]): Promise<TcpBalancer> {
  const counts = new Map<number, number>();
  const open = new Set<Socket>();
  let next = 0;

  const pipeTo = (client: Socket, tried: number): void => {
    if (tried >= backendPorts.length) return void client.destroy();
    const port = backendPorts[next++ % backendPorts.length]!;
    const upstream = connect(port, HOST);
    let connected = false;
    open.add(upstream);
    upstream.once('close', () => open.delete(upstream));
    upstream.on('error', () => {
      // Refused (nothing was relayed yet): the next backend; after that, the client sees the break.
      if (!connected) return pipeTo(client, tried + 1);
      client.destroy();
    });
    upstream.once('connect', () => {
      connected = true;
      counts.set(port, (counts.get(port) ?? 0) + 1);
      client.pipe(upstream).pipe(client);
      client.once('close', () => upstream.destroy());
      upstream.once('close', () => client.destroy());
      client.resume();
    });
  };

  const server = createServer({ pauseOnConnect: true }, (client) => {
    open.add(client);
    client.once('close', () => open.delete(client));
    client.on('error', () => undefined);
    pipeTo(client, 0);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://${HOST}:${port}`,
    port,
    counts,
    close: async () => {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
