// Every request a panel makes is a line that says pending (with the seconds it has waited, out of how many),
// then ok, or the server's error code and message, or that it timed out. Nothing hangs silently.

const MAX_LINES = 40;

export class RequestLog {
  constructor(list) {
    this.list = list;
    this.pending = new Set();
    this.ticker = null;
  }

  /**
   * Runs `work` (resolving to an ack `{ ok, error? }` or any value) and shows its fate under `label`.
   * `describe(result)` may add a note to a success. Resolves with the result, or null after an error.
   */
  async track(label, timeoutMs, work, describe = () => '') {
    const li = document.createElement('li');
    li.dataset.state = 'pending';
    li.dataset.label = label;
    const started = performance.now();
    const show = (text) => (li.textContent = `${label} — ${text}`);
    const item = { li, started, timeoutMs, show };
    show(`pending (0.0 / ${timeoutMs / 1000} s)`);
    this.list.prepend(li);
    while (this.list.children.length > MAX_LINES) this.list.lastElementChild.remove();
    this.pending.add(item);
    this.tick();
    const settle = (state, text) => {
      this.pending.delete(item);
      li.dataset.state = state;
      show(`${text} (${Math.round(performance.now() - started)} ms)`);
    };
    try {
      const result = await work();
      if (result && result.ok === false) {
        settle('error', `${result.error.code}: ${result.error.message}`);
        return null;
      }
      const note = describe(result);
      settle('ok', note ? `ok: ${note}` : 'ok');
      return result;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const timedOut = /timed? ?out/i.test(message) || err?.name === 'TimeoutError';
      settle(timedOut ? 'timeout' : 'error', timedOut ? `timed out: no answer within ${timeoutMs / 1000} s` : message);
      return null;
    }
  }

  /** Pending lines count their seconds, so a request that never returns is seen waiting, then timing out. */
  tick() {
    if (this.ticker || this.pending.size === 0) return;
    this.ticker = setInterval(() => {
      for (const { started, timeoutMs, show } of this.pending) {
        show(`pending (${((performance.now() - started) / 1000).toFixed(1)} / ${timeoutMs / 1000} s)`);
      }
      if (this.pending.size === 0) {
        clearInterval(this.ticker);
        this.ticker = null;
      }
    }, 200);
  }
}

/** fetch with a deadline and the server's JSON error as the ack shape the log understands. */
export const fetchJson = async (url, init = {}, timeoutMs = 8000) => {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  const body = await res.json().catch(() => null);
  if (res.ok) return body ?? { ok: true };
  if (body && body.error && typeof body.error === 'object') return { ok: false, error: body.error };
  return {
    ok: false,
    error: { code: `http_${res.status}`, message: typeof body?.error === 'string' ? body.error : res.statusText },
  };
};
