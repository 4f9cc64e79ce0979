// The console: three apps (anchor, co-host, viewer) side by side, and whether the server is there at all.
import { createPanel } from './panel.js';
import { fetchJson } from './requests.js';

const roomInput = document.getElementById('room');
const serverBadge = document.getElementById('server');
const panels = document.getElementById('panels');

/** The server answers /healthz, or it does not: said at all times, whatever the panels are doing. */
const watchServer = () => {
  let downSince = null;
  const check = async () => {
    try {
      const res = await fetch('/healthz', { signal: AbortSignal.timeout(2000), cache: 'no-store' });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      downSince = null;
      serverBadge.dataset.state = 'up';
      serverBadge.textContent = 'server: up';
    } catch (err) {
      downSince ??= new Date();
      serverBadge.dataset.state = 'unreachable';
      serverBadge.textContent = `server: unreachable since ${downSince.toLocaleTimeString()} (${err.message})`;
    }
  };
  void check();
  setInterval(check, 2000);
};

const boot = async () => {
  watchServer();
  const settings = await fetchJson('/_sim/console');
  if (!settings.ok) throw new Error(`console settings: ${settings.error.message}`);
  // `?timeout=<s>`: how long requests wait before they say they timed out (default: the server's suggestion).
  const timeoutS = Number(new URLSearchParams(location.search).get('timeout'));
  if (timeoutS > 0 && timeoutS <= 120) settings.ackTimeoutMs = timeoutS * 1000;
  const roomId = () => roomInput.value.trim();
  const anchor = createPanel({
    kind: 'anchor',
    name: 'alice',
    roomId,
    settings,
    stageHint: () => null,
    container: panels,
  });
  const cohost = createPanel({
    kind: 'cohost',
    name: 'bob',
    roomId,
    settings,
    stageHint: () => null,
    container: panels,
  });
  // The viewer's state line may say what the stage knows and viewers cannot see yet ("co-host joining").
  const stageHint = () => {
    const view = anchor.person.view;
    return view?.view === 'stage' ? view : null;
  };
  const viewer = createPanel({ kind: 'viewer', name: 'carol', roomId, settings, stageHint, container: panels });
  anchor.person.addEventListener('change', () => viewer.render());
  // The panels show the room the console is about now: one typed in later is simply opened or joined later.
  roomInput.addEventListener('input', () => [anchor, cohost, viewer].forEach((p) => p.render()));
};

boot().catch((err) => {
  const box = document.getElementById('boot-error');
  box.hidden = false;
  box.textContent = `The console could not start: ${err.message}`;
});
