/**
 * A business admission backend for linkmic's `ADMISSION_URL` (PROTOCOL §4.1), in plain Node: copy it and
 * put your own rules in `decide`.
 *
 * linkmic POSTs `{ action, roomId, userId, anchorUserId, counts: { cohosts, requests } }` with
 *   X-Linkmic-Timestamp: <unix seconds>
 *   X-Linkmic-Signature: hex HMAC-SHA256 of "<timestamp>.<raw body>" with ADMISSION_KEY
 * and honours `{ allow: boolean, reason?: string }` (the reason reaches the app as the `forbidden` message).
 *
 * Run:  ADMISSION_KEY=… PORT=4100 BLOCKED_USERS=spammer1,spammer2 npx tsx examples/admission-backend.ts
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { pathToFileURL } from 'node:url';

export interface AdmissionBody {
  action: 'room:open' | 'cohost:request' | 'cohost:accept';
  roomId: string;
  userId: string;
  anchorUserId: string;
  counts: { cohosts: number; requests: number };
}

export interface BackendOptions {
  key: string;
  /** Users who may neither go live nor co-host. */
  blockedUsers?: string[];
  /** Pending co-host requests a room may hold before new ones are turned away. @default 5 */
  maxWaiting?: number;
  /** Signed requests older or newer than this many seconds are refused (replays). @default 300 */
  toleranceS?: number;
  now?: () => number;
}

/** The business rules: a block list, a short queue. Everything else is allowed. */
const decide = (body: AdmissionBody, opts: BackendOptions): { allow: boolean; reason?: string } => {
  const blocked = new Set(opts.blockedUsers ?? []);
  if (blocked.has(body.userId)) return { allow: false, reason: `${body.userId} is suspended` };
  if (body.action === 'cohost:request' && body.counts.requests >= (opts.maxWaiting ?? 5)) {
    return { allow: false, reason: 'the queue to co-host is full, try again later' };
  }
  return { allow: true };
};

const validSignature = (key: string, timestamp: string, body: string, signature: string): boolean => {
  const expected = createHmac('sha256', key).update(`${timestamp}.${body}`).digest();
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
};

const readBody = (req: IncomingMessage, limit = 16 * 1024): Promise<string> =>
  new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > limit) reject(new Error('body too large'));
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });

const isBody = (x: unknown): x is AdmissionBody => {
  const b = x as AdmissionBody;
  return (
    typeof b === 'object' &&
    b !== null &&
    typeof b.action === 'string' &&
    typeof b.roomId === 'string' &&
    typeof b.userId === 'string' &&
    typeof b.counts?.requests === 'number' &&
    typeof b.counts?.cohosts === 'number'
  );
};

export const createAdmissionBackend = (opts: BackendOptions): Server =>
  createServer((req, res) => {
    const answer = (status: number, json: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    if (req.method !== 'POST') return answer(405, { error: 'POST only' });
    readBody(req).then(
      (raw) => {
        // Verify the exact bytes received before parsing them; then the timestamp, against replays.
        const timestamp = String(req.headers['x-linkmic-timestamp'] ?? '');
        const signature = String(req.headers['x-linkmic-signature'] ?? '');
        if (!validSignature(opts.key, timestamp, raw, signature)) return answer(401, { error: 'bad signature' });
        const nowS = Math.floor((opts.now ?? Date.now)() / 1000);
        if (!/^\d+$/.test(timestamp) || Math.abs(nowS - Number(timestamp)) > (opts.toleranceS ?? 300)) {
          return answer(401, { error: 'stale timestamp' });
        }
        let body: unknown;
        try {
          body = JSON.parse(raw);
        } catch {
          return answer(400, { error: 'not JSON' });
        }
        if (!isBody(body)) return answer(400, { error: 'not an admission request' });
        answer(200, decide(body, opts));
      },
      () => answer(413, { error: 'body too large' }),
    );
  });

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const key = process.env.ADMISSION_KEY;
  if (!key) {
    console.error('set ADMISSION_KEY (the same value as linkmic’s)');
    process.exit(2);
  }
  const port = Number(process.env.PORT ?? 4100);
  const blockedUsers = (process.env.BLOCKED_USERS ?? '').split(',').filter(Boolean);
  createAdmissionBackend({ key, blockedUsers }).listen(port, () =>
    console.log(`admission backend on http://127.0.0.1:${port}/`),
  );
}
