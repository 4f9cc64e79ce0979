import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import type { DispatchResult, RoomDispatcher, SignedUrls } from '../../../src/app/ports.js';
import type { RoomInput } from '../../../src/core/events.js';
import type { RoomState } from '../../../src/core/types.js';
import { createAuthMiddleware, signToken } from '../../../src/adapters/socket/auth.js';
import { createGateway } from '../../../src/adapters/socket/gateway.js';
import { OPEN_GRANTS } from '../../../src/protocol/grants.js';
import { createSocketSecurity } from '../../../src/adapters/socket/security.js';
import { createTokenVerifier } from '../../../src/adapters/socket/token-verifier.js';
import type { LinkmicServer } from '../../../src/adapters/socket/types.js';
import { connectLinkmic, type ConnectOptions, type LinkmicClient } from '../../../src/client/index.js';
import { silentLogger } from '../../../src/observability/logger.js';

export const SECRET = 'socket-test-secret-that-is-long-enough';

/** A room as the engine would return it; only the fields the gateway reads matter. */
export const makeRoom = (roomId: string, anchorUserId: string, status: 'live' | 'closed' = 'live'): RoomState => ({
  roomId,
  views: { stage: 1, audience: 1 },
  rev: 1,
  status,
  closedAt: null,
  anchor: {
    userId: anchorUserId,
    present: true,
    stream: { stream: `a-${roomId}`, streaming: false, mixAvailable: false, since: 0 },
  },
  cohosts: [],
  requests: [],
  pairedWith: null,
  pairingMarks: [],
  timers: {},
  seq: 0,
  mix: null,
  gens: 0,
});

export interface Call {
  roomId: string;
  input: RoomInput;
}
type Script = (roomId: string, input: RoomInput) => DispatchResult | Promise<DispatchResult>;

/**
 * The only double: records every input and answers from a script. By default a command succeeds with the
 * room in `rooms` (OpenRoom creates it), so acks carry a snapshot.
 */
export const createRecordingDispatcher = () => {
  const calls: Call[] = [];
  const loads: string[] = [];
  const rooms = new Map<string, RoomState>();
  const defaultScript: Script = (roomId, input) => {
    if (input.type === 'OpenRoom' && !rooms.has(roomId)) rooms.set(roomId, makeRoom(roomId, input.userId));
    return { ok: true, room: rooms.get(roomId) ?? makeRoom(roomId, 'someone'), changed: true };
  };
  let script: Script = defaultScript;
  const dispatcher: RoomDispatcher = {
    async dispatch(roomId, input) {
      calls.push({ roomId, input });
      return script(roomId, input);
    },
    async load(roomId) {
      loads.push(roomId);
      return rooms.get(roomId) ?? null;
    },
  };
  return {
    dispatcher,
    calls,
    loads,
    rooms,
    /** Replace the answers; `null` restores the default. */
    respond(next: Script | null) {
      script = next ?? defaultScript;
    },
    ofType<T extends RoomInput['type']>(type: T) {
      return calls.filter((c) => c.input.type === type) as { roomId: string; input: Extract<RoomInput, { type: T }> }[];
    },
  };
};

export const urls: SignedUrls = {
  push: (stream) => `rtmp://push.test/linkmic/${stream}?auth_key=k`,
  play: (stream) => ({
    rtmp: `rtmp://play.test/linkmic/${stream}`,
    flv: `http://play.test/linkmic/${stream}.flv`,
    hls: `http://play.test/linkmic/${stream}.m3u8`,
  }),
  lowLatency: (stream) => `artc://play.test/linkmic/${stream}`,
};

/** Polls until `check` holds; for effects of a disconnect, which no ack reports. */
export const waitFor = async (check: () => boolean, timeoutMs = 2000): Promise<void> => {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

export interface TestServer {
  io: LinkmicServer;
  url: string;
  recorder: ReturnType<typeof createRecordingDispatcher>;
  /** The clock the auth middleware reads; move it to expire tokens. */
  clock: { now(): number; set(ms: number): void };
  token(userId: string, ttlS?: number): Promise<string>;
  connect(userId: string, opts?: ConnectOptions): Promise<LinkmicClient>;
  close(): Promise<void>;
}

/** A real socket.io server on 127.0.0.1 with the real auth middleware and gateway. */
export const startServer = async (): Promise<TestServer> => {
  const httpServer = createServer();
  const io: LinkmicServer = new Server(httpServer);
  let now = Date.now();
  const clock = { now: () => now, set: (ms: number) => void (now = ms) };
  const recorder = createRecordingDispatcher();
  const verifier = createTokenVerifier({ secret: SECRET, maxTtlS: 86_400, defaultGrants: OPEN_GRANTS });
  io.use(createAuthMiddleware({ verifier, clock, logger: silentLogger }));
  const security = createSocketSecurity({
    verifier,
    dispatcher: recorder.dispatcher,
    admission: null,
    clock,
    expiryWarningMs: 60_000,
    logger: silentLogger,
  });
  createGateway({ io, dispatcher: recorder.dispatcher, urls, logger: silentLogger, lookupTimeoutMs: 500, security });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  const clients: LinkmicClient[] = [];
  const token = (userId: string, ttlS = 600) => signToken({ secret: SECRET, userId, ttlS, now: clock.now() });
  return {
    io,
    url,
    recorder,
    clock,
    token,
    async connect(userId, opts = {}) {
      const client = await connectLinkmic(url, await token(userId), {
        ackTimeoutMs: 2000,
        ...opts,
        socket: { reconnection: false, ...opts.socket },
      });
      clients.push(client);
      return client;
    },
    async close() {
      for (const c of clients) c.close();
      await io.close();
    },
  };
};
