/**
 * The acknowledgement callback a client event ends with, or null when it sent none. socket.io hands event
 * arguments over untyped; the callback's shape is the protocol's (`AckCallback`), so this is the one place
 * where a function from the wire is taken for an ack of the type its event answers with.
 * @example
 *   const reply = ackOf<Ack<{ at: number }>>(args);
 *   if (!reply) return;   // no ack: nothing to answer
 */
export const ackOf = <Res>(args: readonly unknown[]): ((res: Res) => void) | null => {
  const last = args[args.length - 1];
  return typeof last === 'function' ? (last as (res: Res) => void) : null;
};
