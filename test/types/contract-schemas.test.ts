import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { Ack, ClientAck, ClientEvent, RoomView, ServerPayloads } from '../../src/protocol/events.js';
import { type ackSchemas, type roomView, type serverEventSchemas } from '../../src/protocol/server-events.js';

/** Each assignable to the other (what a value of one may be, a value of the other may be). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * The generated contract (docs/asyncapi.json) comes from zod schemas of what the server emits; these checks
 * hold them to the TypeScript types the server emits with, so neither changes without the other.
 */
describe('contract schemas match the emitted types', () => {
  it('a view schema for every view', () => {
    // Each way, per view kind (a view is the core's view & its play URLs: toEqualTypeOf sees the intersection).
    type Kinds = RoomView['view'];
    type Mismatched = {
      [K in Kinds]: Same<Extract<z.infer<typeof roomView>, { view: K }>, Extract<RoomView, { view: K }>> extends true
        ? never
        : K;
    }[Kinds];
    expectTypeOf<Mismatched>().toEqualTypeOf<never>();
  });

  it('a payload schema for every server event, of exactly its type', () => {
    type Described = { [E in keyof typeof serverEventSchemas]: z.infer<(typeof serverEventSchemas)[E]> };
    expectTypeOf<keyof Described>().toEqualTypeOf<keyof ServerPayloads>();
    // Per event, each way: expectTypeOf's deep equality does not see through a union nested in an intersection.
    type Mismatched = {
      [E in keyof ServerPayloads]: Same<Described[E], ServerPayloads[E]> extends true ? never : E;
    }[keyof ServerPayloads];
    expectTypeOf<Mismatched>().toEqualTypeOf<never>();
  });

  it('an ack schema for every client event, of exactly its type', () => {
    type Described = { [E in keyof typeof ackSchemas]: z.infer<(typeof ackSchemas)[E]> };
    type Declared = { [E in ClientEvent]: ClientAck<E> } & { 'auth:refresh': Ack<{ at: number }> };
    expectTypeOf<keyof Described>().toEqualTypeOf<keyof Declared>();
    type Mismatched = {
      [E in keyof Declared]: Same<Described[E], Declared[E]> extends true ? never : E;
    }[keyof Declared];
    expectTypeOf<Mismatched>().toEqualTypeOf<never>();
  });
});
