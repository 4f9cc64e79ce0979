// The operator view: live rooms (status, audience, co-hosts, mixes), a room's timeline from the audit trail,
// and this node's callback and signal rates. Everything comes from the admin API with the key typed here.
import { createRateChart } from './chart.js';

const $ = (id) => document.getElementById(id);
const KEY = 'linkmic-admin-key';
const REFRESH_MS = 2000;
const status = $('status');
const chart = createRateChart($('chart'), $('legend'));
let selected = null;
let roomsCursor = null;
let timelineCursor = null;
/** Older pages open: the periodic refresh leaves that list alone rather than fold it back to its first page. */
let roomsExpanded = false;
let timelineExpanded = false;
let timer = null;

const say = (state, text) => {
  status.dataset.state = state;
  status.textContent = text;
};

/** GET an admin route; a refusal says why (wrong key, throttled) and signs out on 401. */
const api = async (path) => {
  const res = await fetch(path, {
    headers: { authorization: `Bearer ${sessionStorage.getItem(KEY)}` },
    signal: AbortSignal.timeout(5000),
    cache: 'no-store',
  });
  const body = await res.json().catch(() => null);
  if (res.ok && body?.ok) return body;
  const message = body?.error?.message ?? res.statusText;
  if (res.status === 401) signOut(`refused: ${message} (wrong key?)`);
  throw new Error(res.status === 429 ? `throttled: ${message}` : `${res.status} ${message}`);
};

const cell = (text, cls) =>
  Object.assign(document.createElement('td'), { textContent: text ?? '', ...(cls ? { className: cls } : {}) });
/** Each cell names its column, so a phone can show a row as a card (see ops.css). */
const label = (tr, table) => {
  const heads = [...$(table).tHead.rows[0].cells].map((th) => th.textContent);
  [...tr.cells].forEach((td, i) => (td.dataset.label = heads[i] ?? ''));
  return tr;
};
const pad = (n, w = 2) => String(n).padStart(w, '0');
const clockTime = (at) =>
  `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}.${pad(at.getMilliseconds(), 3)}`;

const roomRow = ({ room, audience, mixes }) => {
  const tr = document.createElement('tr');
  tr.dataset.room = room.roomId;
  tr.dataset.selected = String(room.roomId === selected);
  const name = document.createElement('td');
  const open = Object.assign(document.createElement('button'), {
    type: 'button',
    className: 'link',
    textContent: room.roomId,
  });
  open.dataset.open = room.roomId;
  open.addEventListener('click', () => select(room.roomId));
  name.append(open);
  tr.append(
    name,
    cell(room.status),
    cell(
      `${room.anchor.userId} (${room.anchor.streaming ? 'streaming' : 'not streaming'}${room.anchor.mixAvailable ? ', mixable' : ''})`,
    ),
    cell(audience === null ? 'unknown' : String(audience), 'num'),
    cell(room.cohosts.map((c) => `${c.userId}: ${c.state}${c.shown ? ` (${c.shown})` : ''}`).join('; ') || '—'),
    cell(String(room.requests.length), 'num'),
    cell(mixes.map((m) => `${m.mix} over ${m.main}: ${m.phase} (gen ${m.gen})`).join('; ') || '—'),
  );
  return label(tr, 'rooms');
};

const loadRooms = async (append = false) => {
  const page = await api(`/api/ops/rooms?limit=50${append && roomsCursor ? `&cursor=${roomsCursor}` : ''}`);
  const body = $('rooms').tBodies[0];
  if (!append) body.replaceChildren();
  body.append(...page.rooms.map(roomRow));
  roomsExpanded = append;
  roomsCursor = page.next;
  $('more-rooms').hidden = page.next === null;
  $('rooms-note').textContent = body.rows.length === 0 ? 'No live rooms.' : `${body.rows.length} room(s) shown.`;
};

const GOOD = /^(changed|unchanged|ok|online)$/;
/** A stream check's "offline" or "unknown" is an answer, not a failure. */
const NEUTRAL = /^(offline|unknown)$/;
const entryRow = (e) => {
  const tr = document.createElement('tr');
  tr.dataset.kind = e.kind;
  tr.dataset.name = e.name;
  tr.dataset.outcome = e.outcome;
  const kind = Object.assign(document.createElement('span'), { className: 'kind', textContent: e.kind });
  kind.dataset.kind = e.kind;
  const kindCell = document.createElement('td');
  kindCell.append(kind);
  const outcome = cell(e.outcome, 'outcome');
  if (!NEUTRAL.test(e.outcome)) outcome.dataset.good = String(GOOD.test(e.outcome));
  const at = new Date(e.at);
  tr.append(
    cell(clockTime(at)),
    kindCell,
    cell(e.name),
    cell(e.userId ?? ''),
    outcome,
    cell(e.ms.toFixed(1), 'num'),
    cell(`${e.detail}${e.views ? ` → stage v${e.views.stage}, audience v${e.views.audience}` : ''}`, 'detail'),
  );
  return label(tr, 'timeline');
};

const loadTimeline = async (older = false) => {
  if (!selected) return;
  const page = await api(
    `/api/rooms/${encodeURIComponent(selected)}/timeline?limit=50${older && timelineCursor ? `&cursor=${timelineCursor}` : ''}`,
  );
  const body = $('timeline').tBodies[0];
  if (!older) body.replaceChildren();
  body.append(...page.entries.map(entryRow));
  timelineExpanded = older;
  timelineCursor = page.next;
  $('older').hidden = page.next === null;
};

const select = (roomId) => {
  selected = roomId;
  timelineCursor = null;
  timelineExpanded = false;
  $('timeline-card').hidden = false;
  $('timeline-title').textContent = `Timeline of ${roomId}`;
  for (const tr of $('rooms').tBodies[0].rows) tr.dataset.selected = String(tr.dataset.room === roomId);
  void loadTimeline().catch((err) => say('error', err.message));
};

/** Every REFRESH_MS: rooms, the chart, and the timeline's newest page (unless older pages are open). */
const refresh = async () => {
  try {
    say('loading', 'refreshing…');
    const [stats] = await Promise.all([
      api('/api/ops/stats'),
      roomsExpanded ? null : loadRooms(),
      timelineExpanded ? null : loadTimeline(),
    ]);
    chart.add(stats);
    say('ok', `signed in · refreshed ${new Date().toLocaleTimeString()}`);
  } catch (err) {
    if (sessionStorage.getItem(KEY)) say('error', err.message);
  }
};

const signIn = () => {
  $('signin').hidden = true;
  $('main').hidden = false;
  void refresh();
  timer ??= setInterval(refresh, REFRESH_MS);
};

function signOut(reason = 'signed out') {
  sessionStorage.removeItem(KEY);
  clearInterval(timer);
  timer = null;
  $('main').hidden = true;
  $('signin').hidden = false;
  say(reason === 'signed out' ? 'signed-out' : 'error', reason);
}

$('signin').addEventListener('submit', (ev) => {
  ev.preventDefault();
  sessionStorage.setItem(KEY, $('key').value);
  $('key').value = '';
  signIn();
});
$('sign-out').addEventListener('click', () => signOut());
$('more-rooms').addEventListener('click', () => void loadRooms(true).catch((err) => say('error', err.message)));
$('older').addEventListener('click', () => void loadTimeline(true).catch((err) => say('error', err.message)));
if (sessionStorage.getItem(KEY)) signIn();
