// One person's panel: who, how connected, what they see, what they may do now. Re-rendered on every change
// of the person; the name and token inputs live outside the re-rendered part so typing is never lost.
import { drawCamera, drawPull, drawViewerPicture } from './picture.js';
import { RequestLog } from './requests.js';
import { Person } from './person.js';

const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else node.setAttribute(k, v);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return node;
};

const TITLES = { anchor: 'Anchor', cohost: 'Co-host', viewer: 'Viewer' };
const ROLE_TEXT = {
  anchor: 'anchor of the room',
  cohost: 'co-host (on the stage)',
  requester: 'asked to co-host: waiting for the anchor',
  viewer: 'viewer',
  closed: 'the room is closed',
};

/** What the anchor's stage says the viewers cannot see yet (a co-host accepted, its mix still starting). */
const joiningOf = (stage) => stage?.cohosts.filter((c) => c.shown === null && c.state !== 'ending') ?? [];

/** The viewers' state line: from the viewer's own view; the stage hint only says what viewers do not see yet. */
export const stateLine = (view, drawn, stage, codes) => {
  if (!view) return { state: 'idle', text: 'not in the room' };
  if (drawn.state === 'closed') return { state: 'closed', text: 'room closed' };
  if (drawn.state === 'offline')
    return { state: 'offline', text: `no picture: ${view.anchor.userId} is not streaming` };
  if (drawn.state === 'degraded') {
    const frozen = view.cohosts
      .filter((c) => c.state === 'degraded')
      .map((c) => `${c.userId} (${codes.get(c.userId) ?? 'degraded'})`);
    return { state: 'degraded', text: `mixed, degraded: viewers see the last frame of ${frozen.join(', ')}` };
  }
  if (drawn.state === 'mixed') return { state: 'mixed', text: `mixed: ${drawn.inputs.join(' + ')}` };
  const joining = joiningOf(stage);
  if (joining.length > 0) {
    const who = joining.map((c) => `${c.userId} (${c.state})`).join(', ');
    return { state: 'joining', text: `co-host joining: ${who} — viewers still see ${view.anchor.userId} alone` };
  }
  return { state: 'alone', text: `anchor alone: ${view.anchor.userId}` };
};

export const createPanel = ({ kind, name, roomId, settings, stageHint, container }) => {
  const requests = el('ol', { class: 'requests', 'aria-label': 'requests', 'aria-live': 'polite' });
  const log = new RequestLog(requests);
  const person = new Person({ kind, name, roomId, log, ackTimeoutMs: settings.ackTimeoutMs });
  const nameInput = el('input', {
    value: name,
    'aria-label': `${kind} user name`,
    autocomplete: 'off',
    spellcheck: 'false',
    maxlength: '64',
  });
  nameInput.addEventListener('input', () => (person.name = nameInput.value.trim()));
  const badge = el('span', { class: 'badge', role: 'status' });
  const body = el('div', { class: 'body' });
  const tokenInput = el('input', { 'aria-label': 'app token', placeholder: 'eyJ…', spellcheck: 'false' });
  const tokenBox = el(
    'details',
    {},
    el('summary', {}, 'connect with a token of your own'),
    tokenInput,
    el('button', { type: 'button', onclick: () => person.connectWith(tokenInput.value.trim()) }, 'Connect with token'),
  );
  const events = el('pre');
  const root = el(
    'section',
    { class: 'panel', dataset: { kind }, 'aria-label': `${TITLES[kind]} panel` },
    el('h2', {}, `${TITLES[kind]}:`, nameInput, badge),
    body,
    requests,
    tokenBox,
    el('details', {}, el('summary', {}, 'what this app received'), events),
  );
  container.append(root);
  const cameras = {
    own: el('canvas', { dataset: { screen: 'camera' } }),
    pull: el('canvas', { dataset: { screen: 'pull' } }),
    picture: el('canvas', { dataset: { screen: 'picture' } }),
  };

  const button = (label, action, cls = '') =>
    el('button', { type: 'button', class: cls, dataset: { action: label }, onclick: action }, label);

  const actionsFor = (role, view) => {
    const p = person;
    if (!p.client) return [button('Connect', () => p.connect(), 'primary')];
    // Nothing can be sent while the connection is down: say so instead of offering what would only wait.
    if (p.conn.state !== 'connected')
      return [el('span', { class: 'note' }, 'waiting for the connection…'), button('Disconnect', () => p.disconnect())];
    const out = [];
    if (kind === 'anchor') {
      if (role !== 'anchor') out.push(button('Open room', () => p.open(), 'primary'));
      if (role === 'anchor') {
        if (p.pushUrl && !p.camera) out.push(button('Start pushing', () => p.cameraOn(), 'primary'));
        if (p.camera) out.push(button('Stop pushing', () => p.cameraOff()));
        for (const r of view.requests) {
          out.push(
            el(
              'span',
              { class: 'group' },
              `${r.userId} asks:`,
              button(`Accept ${r.userId}`, () => p.request('cohost:accept', { userId: r.userId }), 'primary'),
              button(`Reject ${r.userId}`, () => p.request('cohost:reject', { userId: r.userId })),
            ),
          );
        }
        for (const c of view.cohosts.filter((c) => c.state !== 'ending'))
          out.push(button(`Kick ${c.userId}`, () => p.request('cohost:kick', { userId: c.userId }), 'danger'));
        out.push(
          button('Close room', async () => (await p.request('room:close')) && p.cameraOff('room closed'), 'danger'),
        );
      }
    } else {
      if (role === null || role === 'closed') out.push(button('Join room', () => p.join(), 'primary'));
      if (kind === 'cohost' && role === 'viewer')
        out.push(button('Ask to co-host', () => p.request('cohost:request'), 'primary'));
      if (role === 'requester') out.push(button('Cancel request', () => p.request('cohost:cancel')));
      if (role === 'cohost') {
        const me = view.cohosts.find((c) => c.userId === p.name);
        if (p.pushUrl && !p.camera) out.push(button('Start pushing', () => p.cameraOn(), 'primary'));
        if (p.camera) out.push(button('Stop pushing', () => p.cameraOff()));
        if (me && me.state !== 'ending') out.push(button('Leave co-hosting', () => p.request('cohost:leave')));
      }
      if (role === 'viewer' || role === 'requester') out.push(button('Leave room', () => p.request('room:leave')));
    }
    out.push(button('Disconnect', () => p.disconnect()));
    return out;
  };

  const urls = (items) =>
    el(
      'ul',
      { class: 'urls' },
      ...items.filter(Boolean).map(([k, v]) => el('li', { dataset: { url: k } }, el('b', {}, `${k}: `), v)),
    );

  const render = () => {
    const { state, detail } = person.conn;
    badge.dataset.state = state;
    badge.textContent = detail;
    nameInput.disabled = person.client !== null;
    if (person.client) nameInput.value = person.name;
    const view = person.view;
    const role = person.role;
    const mine = view?.view === 'stage' ? view.cohosts.find((c) => c.userId === person.name) : null;
    const roleText =
      role === 'cohost' && mine
        ? `co-host: ${mine.state}${mine.shown ? ` (viewers see ${mine.shown})` : " (not in the viewers' picture yet)"}`
        : ROLE_TEXT[role];
    const parts = [
      el(
        'p',
        { class: 'role', dataset: { role: role ?? 'none' } },
        role ? roleText : (person.lastEnd ?? 'not in the room'),
      ),
    ];
    if (kind === 'viewer') {
      const drawn = drawViewerPicture(cameras.picture, {
        view: view?.view === 'stage' ? null : view,
        layouts: settings.layouts,
        codes: person.codes,
      });
      const line = stateLine(view, drawn, stageHint(), person.codes);
      parts.push(
        el('figure', {}, cameras.picture, el('figcaption', {}, `what viewers see (${settings.layout})`)),
        el('p', { class: 'stateline', dataset: { state: line.state } }, line.text),
        person.play
          ? urls([
              ['plays', person.play.flv],
              ['rtmp', person.play.rtmp],
              ['hls', person.play.hls],
            ])
          : null,
      );
    } else {
      const pulled = [...person.pulls.keys()].find((u) => u !== person.name) ?? null;
      drawCamera(cameras.own, person.name, person.camera);
      drawPull(cameras.pull, pulled);
      parts.push(
        el(
          'div',
          { class: 'screens' },
          el('figure', {}, cameras.own, el('figcaption', {}, 'own camera')),
          el(
            'figure',
            {},
            cameras.pull,
            el('figcaption', {}, pulled ? `pulls ${pulled} (low latency)` : 'pulls nobody'),
          ),
        ),
        urls([person.pushUrl && ['pushes to', person.pushUrl], pulled && ['pulls', person.pulls.get(pulled)]]),
      );
      if (view?.view === 'stage') {
        const cohosts =
          view.cohosts.map((c) => `${c.userId}: ${c.state}${c.shown ? `, viewers see ${c.shown}` : ''}`).join('; ') ||
          'none';
        parts.push(
          el(
            'p',
            { class: 'note', dataset: { stage: 'summary' } },
            `stream ${view.anchor.streaming ? 'up' : 'down'}, MixAvailable ${view.anchor.mixAvailable ? 'yes' : 'not yet'} · co-hosts: ${cohosts} · requests: ${view.requests.map((r) => r.userId).join(', ') || 'none'} · v${view.version}`,
          ),
        );
      }
    }
    parts.push(el('div', { class: 'actions' }, ...actionsFor(role, view)));
    body.replaceChildren(...parts.filter(Boolean));
    events.textContent = person.events.join('\n');
  };
  person.addEventListener('change', render);
  render();
  return { person, render };
};
