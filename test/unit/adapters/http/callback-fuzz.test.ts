import fc from 'fast-check';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { streamSignature } from '../../../../src/adapters/http/callback-auth.js';
import { createCallbackHandler } from '../../../../src/adapters/http/callback-handler.js';
import { bagFromJson, bagFromQuery, NOT_SCALAR, type ParamBag } from '../../../../src/adapters/http/callback-params.js';
import {
  CALLBACK_ROUTES,
  CLOCK_SKEW_S,
  parseMixCallback,
  parseStreamCallback,
  type ParseResult,
} from '../../../../src/adapters/http/callback-parse.js';
import { parseRawCallbackRequest } from '../../../../src/adapters/http/raw-request-parse.js';
import { MIX_RESULT_CODES, type Fact } from '../../../../src/core/events.js';
import { signedProof, unsignedProof } from '../../../support/callback-proofs.js';

/**
 * Fuzzing the callback intake: whatever the parameters, bodies or bytes, the parsers never throw, a route
 * never yields another route's fact, a fact always carries its required fields, and names such as
 * `__proto__` change nothing. `FC_NUM_RUNS` raises the budget.
 */
const RUNS = Number(process.env.FC_NUM_RUNS ?? 500);
const SEED = 0xca11_bac;
const options = { numRuns: RUNS, seed: SEED };

const ctx = { appName: 'linkmic', nowS: 1_700_000_000 };
const POLLUTERS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
];
/** Every name a parser reads, plus the polluters: random bags hit the closed sets often. */
const NAMES = [
  'action',
  'id',
  'appname',
  'app',
  'time',
  'usrargs',
  'node',
  'ip',
  'Stream',
  'App',
  'Domain',
  'Event',
  'MainMixStream',
  'MixStream',
  'MainMixApp',
  'MixApp',
  'MainMixDomain',
  'MixDomain',
  'Code',
  'Message',
  'token',
  ...POLLUTERS,
];
const VALUES = [
  'publish',
  'publish_done',
  'linkmic',
  'other',
  'a-r1',
  'c1-r1',
  '',
  '1700000000',
  '9999999999',
  'EventMixStop',
  'MixAvailable',
  'MixResult',
  ...MIX_RESULT_CODES,
  'x'.repeat(300),
];

const value = fc.oneof(
  fc.constantFrom(...VALUES),
  fc.string({ maxLength: 20 }),
  fc.array(fc.constantFrom(...VALUES), { minLength: 1, maxLength: 3 }),
  fc.constant(NOT_SCALAR),
);
const toBag = (entries: [string, ParamBag[string]][]): ParamBag => {
  const bag = Object.create(null) as ParamBag;
  for (const [k, v] of entries) bag[k] = v;
  return bag;
};
/** Genuine parameter sets of every kind, as the mutations below start from. */
const TEMPLATES: Record<string, string>[] = [
  { action: 'publish', id: 'a-r1', appname: 'linkmic', app: 'push.example.com', time: '1700000000' },
  { action: 'publish_done', id: 'c1-r1', appname: 'linkmic', time: '1699999999' },
  { Domain: 'play.example.com', App: 'linkmic', Stream: 'a-r1', Event: 'MixAvailable' },
  {
    MainMixStream: 'a-r1',
    MixStream: 'c1-r1',
    MainMixApp: 'linkmic',
    MixApp: 'linkmic',
    Code: 'Success',
    Event: 'MixResult',
  },
  { MainMixStream: 'a-r1', MixStream: 'c1-r1', MainMixApp: 'linkmic', MixApp: 'linkmic', Event: 'EventMixStop' },
];
/** A genuine set with some names dropped, some values replaced and some names added. */
const mutated: fc.Arbitrary<ParamBag> = fc
  .record({
    base: fc.constantFrom(...TEMPLATES),
    drop: fc.array(fc.constantFrom(...NAMES), { maxLength: 2 }),
    replace: fc.array(fc.tuple(fc.constantFrom(...NAMES), value), { maxLength: 2 }),
    add: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...NAMES), fc.string({ maxLength: 8 })), value), { maxLength: 3 }),
  })
  .map(({ base, drop, replace, add }) => {
    const entries: [string, ParamBag[string]][] = Object.entries(base).filter(([k]) => !drop.includes(k));
    return toBag([...entries, ...replace.filter(([k]) => k in base), ...add]);
  });
const randomBag: fc.Arbitrary<ParamBag> = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...NAMES), fc.string({ maxLength: 8 })), value), { maxLength: 14 })
  .map(toBag);
const bagArb = fc.oneof({ arbitrary: mutated, weight: 3 }, { arbitrary: randomBag, weight: 1 });
const proofArb = fc.oneof(fc.constant(null), fc.integer({ min: ctx.nowS - 300, max: ctx.nowS + 300 }));
const mixRoute = fc.constantFrom('mix-available' as const, 'mix-result' as const);

const isName = (s: unknown): boolean => typeof s === 'string' && s !== '' && s.length <= 256;
const STREAM_FACTS = new Set(['StreamPublished', 'StreamStopped']);
const MIX_FACTS = new Set(['MixAvailable', 'MixResult', 'MixEnded']);

/** The required fields of each fact a callback can produce. */
const wellFormed = (fact: Fact): boolean => {
  switch (fact.type) {
    case 'StreamPublished':
    case 'StreamStopped':
      return isName(fact.stream) && Number.isInteger(fact.at) && fact.at >= 0;
    case 'MixAvailable':
      return isName(fact.stream);
    case 'MixResult':
      return isName(fact.main) && isName(fact.mix) && (MIX_RESULT_CODES as readonly string[]).includes(fact.code);
    case 'MixEnded':
      return isName(fact.main) && isName(fact.mix);
    default:
      return false;
  }
};
const factOf = (r: ParseResult): Fact | null => (r.ok && 'fact' in r ? r.fact : null);

describe('callback parsers under random input', () => {
  it('the stream parser: never throws, only stream facts, well formed, never later than the signed time (or now + skew)', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(bagArb, proofArb, (bag, signedAt) => {
        const r = parseStreamCallback(bag, ctx, signedAt === null ? unsignedProof() : signedProof(signedAt));
        const fact = factOf(r);
        if (fact === null) return;
        seen.add(fact.type);
        expect(STREAM_FACTS.has(fact.type)).toBe(true);
        expect(wellFormed(fact)).toBe(true);
        if (fact.type === 'StreamPublished' || fact.type === 'StreamStopped') {
          expect(fact.at).toBeLessThanOrEqual(signedAt ?? ctx.nowS + CLOCK_SKEW_S);
        }
      }),
      options,
    );
    expect([...seen].sort()).toEqual(['StreamPublished', 'StreamStopped']);
  });

  it('the mix parser: never throws, never a stream fact, well formed', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(bagArb, mixRoute, (bag, route) => {
        const fact = factOf(parseMixCallback(bag, route, ctx));
        if (fact === null) return;
        seen.add(fact.type);
        expect(MIX_FACTS.has(fact.type)).toBe(true);
        expect(wellFormed(fact)).toBe(true);
      }),
      options,
    );
    expect([...seen].sort()).toEqual(['MixAvailable', 'MixEnded', 'MixResult']);
  });

  it('prototype-pollution names are inert: adding them changes no answer, and Object.prototype stays clean', () => {
    const polluters = fc.array(fc.tuple(fc.constantFrom(...POLLUTERS), value), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(bagArb, polluters, mixRoute, (bag, extra, route) => {
        const clean = Object.create(null) as ParamBag;
        for (const k of Object.keys(bag)) if (!POLLUTERS.includes(k)) clean[k] = bag[k];
        const dirty = Object.assign(Object.create(null) as ParamBag, clean);
        for (const [k, v] of extra) dirty[k] = v;
        expect(parseMixCallback(dirty, route, ctx)).toEqual(parseMixCallback(clean, route, ctx));
        expect(parseStreamCallback(dirty, ctx, unsignedProof())).toEqual(
          parseStreamCallback(clean, ctx, unsignedProof()),
        );
        expect(({} as Record<string, unknown>).action).toBeUndefined();
      }),
      options,
    );
  });

  it('JSON bodies: any JSON value gives a bag without prototype or none, and never throws further down', () => {
    const json = fc.oneof(fc.jsonValue(), fc.dictionary(fc.constantFrom(...NAMES), fc.jsonValue()));
    fc.assert(
      fc.property(json, mixRoute, (body, route) => {
        // Through text, as a body arrives: a "__proto__" member is then an own member, not a prototype.
        const bag = bagFromJson(JSON.parse(JSON.stringify(body)));
        if (bag === null) return;
        expect(Object.getPrototypeOf(bag)).toBeNull();
        const fact = factOf(parseMixCallback(bag, route, ctx));
        if (fact) expect(MIX_FACTS.has(fact.type)).toBe(true);
        parseStreamCallback(bag, ctx, unsignedProof());
      }),
      options,
    );
  });

  it('query strings and raw request bytes: never throw; a recovered request names a callback route', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc
        .constantFrom('GET /callbacks/alilive/mix-result?', 'GET /callbacks/alilive/t/stream?')
        .chain((p) =>
          fc
            .tuple(fc.string({ maxLength: 120 }), fc.constantFrom(' HTTP/1.1\r\n\r\n', '\r\n\r\n', ''))
            .map(([q, end]) => p + q + end),
        ),
    );
    fc.assert(
      fc.property(text, fc.uint8Array({ maxLength: 64 }), (t, bytes) => {
        expect(Object.getPrototypeOf(bagFromQuery(t))).toBeNull();
        for (const b of [Buffer.from(t, 'latin1'), Buffer.concat([Buffer.from(t, 'utf8'), Buffer.from(bytes)])]) {
          const r = parseRawCallbackRequest(b);
          if (r.kind === 'request') expect(CALLBACK_ROUTES).toContain(r.request.route);
        }
      }),
      options,
    );
  });
});

describe('the callback handler under random requests', () => {
  const KEY = 'fuzzKey';
  const NOW_MS = ctx.nowS * 1000;
  const signed = (ts: number) => ({
    'ali-live-timestamp': String(ts),
    'ali-live-signature': streamSignature('push.example.com', String(ts), KEY),
  });
  const headers = fc.oneof(
    fc.constant({}),
    fc.integer({ min: ctx.nowS - 400, max: ctx.nowS + 400 }).map(signed),
    fc.record({
      'ali-live-timestamp': fc.string({ maxLength: 12 }),
      'ali-live-signature': fc.string({ maxLength: 40 }),
    }),
  );

  it('a stream fact needs the stream route and a verified signature; every other route yields mix facts only', async () => {
    const facts: Fact[] = [];
    const handler = createCallbackHandler({
      config: { appName: 'linkmic', pushDomain: 'push.example.com', callbackAuthKey: KEY, callbackToken: 'tok' },
      clock: { now: () => NOW_MS },
      logger: pino({ level: 'silent' }),
      onFact: async (fact) => (facts.push(fact), 'applied'),
    });
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...CALLBACK_ROUTES),
        bagArb,
        headers,
        fc.constantFrom('tok', 'nope', undefined),
        async (route, params, h, token) => {
          facts.length = 0;
          const reply = await handler.handle({ route, token, headers: h, params });
          for (const fact of facts) seen.add(`${route}:${fact.type}`);
          expect([200, 400, 401]).toContain(reply.status);
          if (token !== 'tok') expect(reply.status).toBe(401);
          for (const fact of facts) {
            expect(wellFormed(fact)).toBe(true);
            if (route !== 'stream') expect(MIX_FACTS.has(fact.type)).toBe(true);
            else {
              expect(STREAM_FACTS.has(fact.type)).toBe(true);
              const ts = Number(h['ali-live-timestamp' as keyof typeof h]);
              expect(h['ali-live-signature' as keyof typeof h]).toBe(signed(ts)['ali-live-signature']);
              expect(Math.abs(ts - ctx.nowS)).toBeLessThanOrEqual(300);
            }
          }
        },
      ),
      { ...options, numRuns: Math.min(RUNS, 400) },
    );
    // Not vacuous: genuine-looking requests got through on every route.
    expect([...seen].filter((k) => k.startsWith('stream:')).length).toBeGreaterThan(0);
    expect([...seen].filter((k) => k.startsWith('mix-')).length).toBeGreaterThan(0);
  });
});
