// One app in the console: its own connection (the typed client, bundled from src/client), its requests,
// and what it knows of one room: the view the server pushes (in version order), its URLs, its camera.
import { connectLinkmic } from '/console/linkmic-client.js';
import { fetchJson } from './requests.js';

const NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** The stream in a push or pull URL: `rtmp://host/app/<stream>?auth_key=…`. */
const streamOf = (url) => new URL(url.replace(/^\w+:/, 'http:')).pathname.split('/').pop();

/** The token's `sub`, unverified (the server verifies): whose app this panel now is. */
const subjectOf = (token) => {
  try {
    return String(JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).sub ?? '');
  } catch {
    return '';
  }
};

export class Person extends EventTarget {
  /** `kind`: the panel's part (anchor, cohost, viewer); `roomId()`: the room the console is about. */
  constructor({ kind, name, roomId, log, ackTimeoutMs }) {
    super();
    Object.assign(this, { kind, name, roomId, log, ackTimeoutMs });
    this.client = null;
    this.conn = { state: 'idle', detail: 'not connected' };
    this.pushUrl = null;
    this.pulls = new Map();
    this.play = null;
    this.camera = false;
    /** `mix:degraded` codes by co-host: the audience view says "degraded", the signal says why. */
    this.codes = new Map();
    this.events = [];
    this.lastEnd = null;
  }

  changed() {
    this.dispatchEvent(new Event('change'));
  }

  setConn(state, detail) {
    this.conn = { state, detail };
    this.changed();
  }

  /** The latest view of the console's room (the typed client's, applied in version order). */
  get view() {
    return this.client?.view(this.roomId()) ?? null;
  }

  /** anchor | cohost | requester | viewer | closed | null (not in the room). */
  get role() {
    const v = this.view;
    if (!v) return null;
    if (v.status === 'closed') return 'closed';
    if (v.view === 'requester') return 'requester';
    if (v.view === 'audience') return 'viewer';
    if (v.anchor.userId === this.name) return 'anchor';
    return v.cohosts.some((c) => c.userId === this.name) ? 'cohost' : 'viewer';
  }

  note(event, payload) {
    const version = payload && typeof payload === 'object' && 'version' in payload ? ` v${payload.version}` : '';
    const { room: _room, version: _v, ...rest } = payload && typeof payload === 'object' ? payload : {};
    this.events.unshift(`${new Date().toLocaleTimeString()} ← ${event}${version} ${JSON.stringify(rest)}`);
    this.events.length = Math.min(this.events.length, 60);
  }

  async connect() {
    if (!NAME.test(this.name)) {
      this.setConn('refused', 'bad name: a user name is 1–64 letters, digits, "_" or "-"');
      return;
    }
    this.setConn('connecting', 'asking for a dev token…');
    let failure = 'no answer';
    const minted = await this.log.track(`token for ${this.name}`, this.ackTimeoutMs, async () => {
      const res = await fetchJson(`/_sim/token?userId=${encodeURIComponent(this.name)}`, {}, this.ackTimeoutMs);
      if (!res.ok) failure = `${res.error.code}: ${res.error.message}`;
      return res;
    });
    if (!minted) return this.setConn('refused', `no token: ${failure}`);
    await this.connectWith(minted.token);
  }

  /** Connects with a given token (a pasted one may be refused: the server's reason is shown as it is). */
  async connectWith(token) {
    const sub = subjectOf(token);
    if (sub) this.name = sub;
    this.setConn('connecting', 'connecting…');
    let failure = 'refused';
    const client = await this.log.track(`connect as ${this.name}`, this.ackTimeoutMs, () =>
      connectLinkmic(location.origin, token, {
        connectTimeoutMs: this.ackTimeoutMs,
        ackTimeoutMs: this.ackTimeoutMs,
        socket: { reconnectionDelayMax: 2000 },
      }).catch((err) => {
        failure = err.message;
        throw err;
      }),
    );
    if (!client) return this.setConn('refused', `refused: ${failure}`);
    this.client = client;
    this.wire(client);
    this.setConn('connected', `connected as ${this.name}`);
  }

  wire(client) {
    const { socket } = client;
    socket.onAny((event, payload) => {
      this.note(event, payload);
      this.changed();
    });
    socket.on('disconnect', (reason) =>
      this.setConn('disconnected', `disconnected: ${reason}${socket.active ? ' — reconnecting…' : ''}`),
    );
    socket.on('connect', () => this.setConn('connected', `connected as ${this.name}`));
    socket.io.on('reconnect_attempt', (n) =>
      this.setConn('reconnecting', `server unreachable — reconnect attempt ${n}…`),
    );
    socket.on('connect_error', (err) => {
      if (this.conn.state === 'connected') return;
      if (socket.active) this.setConn('reconnecting', `server unreachable (${err.message}) — reconnecting…`);
      else this.setConn('refused', `refused: ${err.message}`);
    });
    client.on('view', () => this.changed());
    client.on('rejoined', (r) => {
      this.note(
        '(rejoined)',
        r.ok ? { roomId: r.roomId, role: r.role, previous: r.previous } : { roomId: r.roomId, error: r.error },
      );
      this.changed();
    });
    client.on('cohost:accepted', ({ push }) => {
      this.pushUrl = push.url;
      this.changed();
    });
    client.on('stream:pull-low-latency', ({ userId, url }) => {
      this.pulls.set(userId, url);
      this.changed();
    });
    client.on('mix:degraded', ({ cohostUserId, code }) => this.codes.set(cohostUserId, code));
    client.on('mix:live', ({ cohostUserId }) => this.codes.delete(cohostUserId));
    client.on('cohost:ended', (p) => this.ended(p));
    client.on('room:closed', ({ reason }) => {
      this.lastEnd = `room closed (${reason})`;
      void this.cameraOff('the room closed');
    });
  }

  /** A co-host session ended: the app stops pushing (its push URL names a dead stream from now on). */
  ended(p) {
    const mine = [p, ...(p.ended ?? [])].find((e) => e.userId === this.name);
    for (const e of [p, ...(p.ended ?? [])]) this.pulls.delete(e.userId);
    if (mine && this.kind !== 'anchor') {
      this.lastEnd = `co-host session ended (${mine.reason})`;
      void this.cameraOff(`the session ended: ${mine.reason}`).then(() => (this.pushUrl = null));
    }
    this.changed();
  }

  disconnect() {
    this.client?.close();
    this.client = null;
    this.pulls.clear();
    this.setConn('idle', 'not connected');
  }

  /** A room command through the typed client; its ack (or timeout) shows in the request log. */
  request(event, payload = {}, describe) {
    const body = { roomId: this.roomId(), ...payload };
    const label = `${event}${payload.userId ? ` ${payload.userId}` : ''}`;
    return this.log
      .track(label, this.ackTimeoutMs, () => this.client.request(event, body), describe)
      .then((res) => {
        this.changed();
        return res;
      });
  }

  async open() {
    const res = await this.request('room:open');
    if (res) this.pushUrl = res.push.url;
    this.lastEnd = null;
    this.changed();
  }

  async join() {
    const res = await this.request('room:join', {}, (r) => `role ${r.role}`);
    if (res) this.play = res.play;
    this.lastEnd = null;
    this.changed();
  }

  /** The simulated camera: the embedded AliLive's push. `already` means no new publish callback will come. */
  async cameraOn() {
    const stream = streamOf(this.pushUrl);
    const res = await this.log.track(
      `push ${stream}`,
      this.ackTimeoutMs,
      () => fetchJson(`/_sim/streams/${stream}/publish`, { method: 'POST' }, this.ackTimeoutMs),
      (r) =>
        r.already
          ? 'ALREADY pushing: AliLive sends no new publish callback (the room knew the stream from before)'
          : 'publish callback on its way',
    );
    if (res) this.camera = true;
    this.changed();
  }

  async cameraOff(why) {
    if (!this.camera || !this.pushUrl) return;
    const stream = streamOf(this.pushUrl);
    this.camera = false;
    await this.log.track(
      `stop pushing ${stream}${why ? ` (${why})` : ''}`,
      this.ackTimeoutMs,
      () => fetchJson(`/_sim/streams/${stream}/unpublish`, { method: 'POST' }, this.ackTimeoutMs),
      (r) => (r.wasPushing ? 'publish_done callback on its way' : 'it was not pushing'),
    );
    this.changed();
  }
}
