import { createStreamVerifier, streamSignature, type StreamProof } from '../../src/adapters/http/callback-auth.js';

/** A stream-route proof as development gets one: no key configured, nothing signed. */
export const unsignedProof = (): StreamProof => {
  const v = createStreamVerifier({ domains: [] })({}, 0);
  if (!v.ok) throw new Error('an unkeyed verifier refused');
  return v.proof;
};

/** A stream-route proof from a genuinely verified signature made at `ts`. */
export const signedProof = (ts: number): StreamProof => {
  const headers = {
    'ali-live-timestamp': String(ts),
    'ali-live-signature': streamSignature('push.example.com', String(ts), 'k'),
  };
  const v = createStreamVerifier({ key: 'k', domains: ['push.example.com'] })(headers, ts);
  if (!v.ok) throw new Error(`signature refused: ${v.reason}`);
  return v.proof;
};
