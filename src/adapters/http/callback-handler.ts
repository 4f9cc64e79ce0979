import type { Clock } from '../../app/ports.js';
import type { Fact } from '../../core/events.js';
import type { Logger } from '../../observability/logger.js';
import { createStreamVerifier, createTokenCheck, type HeaderBag, type StreamProof } from './callback-auth.js';
import { readParam, type ParamBag } from './callback-params.js';
import { parseMixCallback, parseStreamCallback, type CallbackRoute, type ParseResult } from './callback-parse.js';
import { errorBody, type ErrorBody } from './errors.js';

/** What the engine did with a callback's fact; every one of them is a 200 so AliLive stops resending. */
export type FactOutcome = 'applied' | 'duplicate' | 'stale' | 'unknown';

export interface CallbackConfig {
  /** `ALILIVE_APP_NAME` */
  appName: string;
  /** `ALILIVE_PUSH_DOMAIN`: the domain stream-callback signatures are computed over. */
  pushDomain: string;
  /** `ALILIVE_PLAY_DOMAIN`: signatures over it are accepted too (ingest through the live centre). */
  playDomain?: string | undefined;
  /** `ALILIVE_CALLBACK_AUTH_KEY`; unset = stream-callback signatures not verified. */
  callbackAuthKey?: string | undefined;
  /** `CALLBACK_TOKEN`; unset = no token required. */
  callbackToken?: string | undefined;
}

/** Counts what was refused (4xx, 503) and what was answered 200 but changed nothing by design. */
export interface CallbackObserver {
  refused(route: string, reason: string): void;
  ignored(route: string, reason: string): void;
}
export const NO_OBSERVER: CallbackObserver = { refused: () => undefined, ignored: () => undefined };

export interface CallbackHandlerDeps {
  config: CallbackConfig;
  clock: Clock;
  logger: Logger;
  onFact(fact: Fact): Promise<FactOutcome>;
  observer?: CallbackObserver | undefined;
}

export type CallbackBody = { ok: true; result: FactOutcome | 'ignored'; reason?: string } | ErrorBody;
export interface CallbackReply {
  status: number;
  body: CallbackBody;
}

/** Where a callback came in and what its URL and headers present, before any parameter is read. */
export interface CallbackRequest {
  route: CallbackRoute;
  /** The token of the URL: its path segment, else its `token` query parameter. */
  token: unknown;
  headers: HeaderBag;
}

export type Authorized = { ok: true; proof: StreamProof | null } | { ok: false; reply: CallbackReply };

/** The `token` query parameter; a repeated one with different values presents no token. */
export const queryToken = (query: ParamBag): string | undefined => {
  const r = readParam(query, 'token');
  return r.ok ? r.value : undefined;
};

/**
 * Verify, then parse, then apply (LiveKit's WebhookReceiver order): the token of every route, the signature
 * of the stream route (the only one whose parser makes stream facts), and only then the route's own closed
 * parameter set. A throwing engine yields 503 so AliLive retries. Nothing here throws.
 */
export const createCallbackHandler = ({
  config,
  clock,
  logger,
  onFact,
  observer = NO_OBSERVER,
}: CallbackHandlerDeps) => {
  const log = logger.child({ module: 'callbacks' });
  const checkToken = createTokenCheck(config.callbackToken);
  const verifyStream = createStreamVerifier({
    key: config.callbackAuthKey,
    domains: [config.pushDomain, config.playDomain ?? ''],
  });
  const nowS = (): number => Math.floor(clock.now() / 1000);

  /** A refusal: one warn line (route, reason and our own message: never a parameter, so never the token). */
  const refuse = (route: string, status: 400 | 401 | 404 | 413, reason: string, message: string): CallbackReply => {
    observer.refused(route, reason);
    log.warn({ route, status, reason, message }, 'callback rejected');
    const code = status === 401 ? 'unauthorized' : status === 404 ? 'not_found' : 'bad_request';
    return { status, body: errorBody(code, message) };
  };
  const unavailable = (route: string, err: unknown): CallbackReply => {
    observer.refused(route, 'unavailable');
    log.error({ route, err }, 'callback not applied; answering 503 so AliLive retries');
    return { status: 503, body: errorBody('internal', 'callback not applied, retry later') };
  };

  const authorizeToken = (route: string, token: unknown): CallbackReply | null => {
    const t = checkToken(token);
    return t.ok ? null : refuse(route, 401, t.reason, t.message);
  };

  const authorize = ({ route, token, headers }: CallbackRequest): Authorized => {
    const denied = authorizeToken(route, token);
    if (denied) return { ok: false, reply: denied };
    if (route !== 'stream') return { ok: true, proof: null };
    const sig = verifyStream(headers, nowS());
    return sig.ok ? { ok: true, proof: sig.proof } : { ok: false, reply: refuse(route, 401, sig.reason, sig.message) };
  };

  const outcome = async (route: CallbackRoute, parsed: ParseResult): Promise<CallbackReply> => {
    if (!parsed.ok) return refuse(route, 400, parsed.reason, parsed.message);
    if ('ignored' in parsed) {
      observer.ignored(route, parsed.ignored);
      const line = { route, reason: parsed.ignored, message: parsed.message };
      if (parsed.ignored === 'unknown_code') log.warn(line, 'callback with an unknown Code ignored');
      else log.debug(line, 'callback ignored');
      return { status: 200, body: { ok: true, result: 'ignored', reason: parsed.message } };
    }
    if (parsed.clamped)
      log.warn({ route, stream: parsed.streams[0], ...parsed.clamped }, 'stream callback time clamped');
    let result: FactOutcome;
    try {
      result = await onFact(parsed.fact);
    } catch (err) {
      return unavailable(route, err);
    }
    const line = { route, fact: parsed.fact.type, streams: parsed.streams, result };
    // EventMixStop is documented only by the public demo server: every one is worth a line.
    if (parsed.fact.type === 'MixEnded') log.info(line, 'EventMixStop: AliLive ended a mix');
    else if (result === 'applied') log.info(line, 'callback applied');
    else log.debug(line, 'callback changed nothing');
    return { status: 200, body: { ok: true, result } };
  };

  /** Parses an authorized request's parameters with its route's own parser, then hands the fact on. */
  const apply = async (route: CallbackRoute, params: ParamBag, proof: StreamProof | null): Promise<CallbackReply> => {
    try {
      const ctx = { appName: config.appName, nowS: nowS() };
      if (route !== 'stream') return await outcome(route, parseMixCallback(params, route, ctx));
      // Unreachable without a proof (authorize makes one for this route): refused rather than trusted.
      if (proof === null) return refuse(route, 401, 'missing_signature', 'stream callback not verified');
      return await outcome(route, parseStreamCallback(params, ctx, proof));
    } catch (err) {
      return unavailable(route, err);
    }
  };

  /** A request whose parameters are all known up front (a GET, or one recovered from raw bytes). */
  const handle = async (req: CallbackRequest & { params: ParamBag }): Promise<CallbackReply> => {
    const auth = authorize(req);
    return auth.ok ? apply(req.route, req.params, auth.proof) : auth.reply;
  };

  return { authorize, authorizeToken, apply, handle, refuse, unavailable, observer, log };
};
export type CallbackHandler = ReturnType<typeof createCallbackHandler>;
export type HandleCallback = CallbackHandler['handle'];
