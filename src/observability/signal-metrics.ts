import type { Counter } from 'prom-client';
import type { Notifier } from '../app/ports.js';

/**
 * Counts what a notifier sends, by event: view pushes and URL deliveries alike (the operator view's
 * "signals per second"). A room broadcast is one push however many sockets it reaches.
 */
export const countSignals = (inner: Notifier, signals: Counter<'event'>): Notifier => ({
  push(push) {
    signals.inc({ event: push.event });
    inner.push(push);
  },
  sendUrl(userId, event, payload) {
    signals.inc({ event });
    inner.sendUrl(userId, event, payload);
  },
});
