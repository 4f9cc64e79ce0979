import * as parser from 'socket.io-parser';

/** The event a client packet becomes when its payload is over the size limit (socket-limits.ts acks it `limit`). */
export const TOO_LARGE_EVENT = 'linkmic:too-large';

/**
 * socket.io's parser, except that a packet whose JSON part is longer than `maxBytes` characters is never parsed:
 * an event becomes `[TOO_LARGE_EVENT]` (keeping its ack id, so the client still gets its answer), and anything
 * else that must be an object (a CONNECT with an oversized `auth`) fails to decode, which closes the connection.
 * Parsing is the cost a large payload imposes (50,000 keys: ~200 ms of a node's only thread); its length is free.
 */
export const createBoundedParser = (maxBytes: number): typeof parser => {
  // UTF-8 takes at most 3 bytes per UTF-16 unit: only a string that might be over is measured.
  const tooLarge = (str: string): boolean =>
    str.length > maxBytes || (str.length * 3 > maxBytes && Buffer.byteLength(str) > maxBytes);
  class BoundedDecoder extends parser.Decoder {
    constructor(opts?: ConstructorParameters<typeof parser.Decoder>[0]) {
      super(opts);
      // tryParse (private in the types) gets the packet's JSON part only, after its type, namespace and ack id
      // were read; it answers false on a syntax error. A test pins this to the installed socket.io-parser.
      const self = this as unknown as { tryParse(str: string): unknown };
      const parse = self.tryParse.bind(this);
      self.tryParse = (str) => (tooLarge(str) ? [TOO_LARGE_EVENT] : parse(str));
    }
  }
  return { ...parser, Decoder: BoundedDecoder };
};
