// Drawn stand-ins for video: each person is a coloured card (their "camera"), and the viewers' picture is
// the anchor's card with the co-hosts' cards in the panes core/mix-layout.ts gives for the configured layout.
// Every canvas also says what it shows in data-* attributes, for people using tools and for the browser test.

export const WIDTH = 480;
export const HEIGHT = 270;

/** A stable colour per user name (the same card on every canvas that shows that person). */
export const colorOf = (name) => {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.codePointAt(0)) % 360;
  return `hsl(${h}, 55%, 42%)`;
};

const sizeCanvas = (canvas) => {
  if (canvas.width !== WIDTH) canvas.width = WIDTH;
  if (canvas.height !== HEIGHT) canvas.height = HEIGHT;
  return canvas.getContext('2d');
};

/** A person's card in a rectangle: their colour, a head-and-shoulders mark, their name. */
export const drawPerson = (ctx, x, y, w, h, name) => {
  ctx.save();
  ctx.beginPath();
  ctx.rect(x, y, w, h);
  ctx.clip();
  ctx.fillStyle = colorOf(name);
  ctx.fillRect(x, y, w, h);
  ctx.fillStyle = 'rgba(255,255,255,0.35)';
  const r = Math.min(w, h) * 0.16;
  ctx.beginPath();
  ctx.arc(x + w / 2, y + h * 0.42, r, 0, Math.PI * 2);
  ctx.fill();
  ctx.beginPath();
  ctx.ellipse(x + w / 2, y + h * 0.42 + r * 2.6, r * 1.9, r * 1.3, 0, Math.PI, 0);
  ctx.fill();
  ctx.fillStyle = '#fff';
  ctx.font = `600 ${Math.max(11, Math.round(h * 0.09))}px system-ui, sans-serif`;
  ctx.textBaseline = 'bottom';
  ctx.fillText(name, x + 6, y + h - 4);
  ctx.restore();
};

const blank = (ctx, text, sub = '') => {
  ctx.fillStyle = '#1b1f24';
  ctx.fillRect(0, 0, WIDTH, HEIGHT);
  ctx.fillStyle = '#c9d1d9';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.font = '600 18px system-ui, sans-serif';
  ctx.fillText(text, WIDTH / 2, HEIGHT / 2 - (sub ? 10 : 0));
  if (sub) {
    ctx.font = '13px system-ui, sans-serif';
    ctx.fillText(sub, WIDTH / 2, HEIGHT / 2 + 14);
  }
  ctx.textAlign = 'start';
};

const mark = (canvas, attrs) => {
  for (const [k, v] of Object.entries(attrs)) canvas.dataset[k] = String(v);
};

/** A camera: the person's own card while it pushes, else "camera off". */
export const drawCamera = (canvas, name, on) => {
  const ctx = sizeCanvas(canvas);
  if (on) drawPerson(ctx, 0, 0, WIDTH, HEIGHT, name);
  else blank(ctx, 'camera off', `${name} is not pushing`);
  mark(canvas, { state: on ? 'on' : 'off', shows: on ? name : '' });
};

/** A low-latency pull of another person's stream (the talk-back between anchor and co-host). */
export const drawPull = (canvas, name) => {
  const ctx = sizeCanvas(canvas);
  if (name) drawPerson(ctx, 0, 0, WIDTH, HEIGHT, name);
  else blank(ctx, 'no pull', 'nobody to talk to yet');
  mark(canvas, { state: name ? 'pulling' : 'idle', shows: name ?? '' });
};

/**
 * What the viewers see, from the viewer's own (audience) view: the anchor full frame, or the anchor and the
 * co-hosts in the picture laid out as the mixer lays them; a degraded co-host greyed with its code.
 * `layouts[n]` are the panes for n inputs. Returns what was drawn: `{ state, inputs }`.
 */
export const drawViewerPicture = (canvas, { view, layouts, codes }) => {
  const ctx = sizeCanvas(canvas);
  let state;
  let inputs = [];
  if (!view) {
    blank(ctx, 'not watching', 'join the room to see its picture');
    state = 'idle';
  } else if (view.status === 'closed') {
    blank(ctx, 'room closed');
    state = 'closed';
  } else if (!view.anchor.streaming) {
    blank(ctx, 'no picture', `${view.anchor.userId} is not streaming`);
    state = 'offline';
  } else {
    const most = Math.max(...Object.keys(layouts).map(Number));
    inputs = [view.anchor.userId, ...view.cohosts.map((c) => c.userId)].slice(0, most);
    const panes = layouts[inputs.length];
    panes.forEach((p, i) => {
      const [x, y, w, h] = [p.x * WIDTH, p.y * HEIGHT, p.w * WIDTH, p.h * HEIGHT];
      drawPerson(ctx, x, y, w, h, inputs[i]);
      if (i > 0) {
        ctx.strokeStyle = '#fff';
        ctx.lineWidth = 2;
        ctx.strokeRect(x + 1, y + 1, w - 2, h - 2);
      }
    });
    const degraded = view.cohosts.filter((c) => c.state === 'degraded');
    for (const c of degraded) {
      const p = panes[inputs.indexOf(c.userId)];
      if (!p) continue;
      ctx.fillStyle = 'rgba(110,110,110,0.75)';
      ctx.fillRect(p.x * WIDTH, p.y * HEIGHT, p.w * WIDTH, p.h * HEIGHT);
    }
    if (degraded.length > 0) {
      const why = degraded.map((c) => `${c.userId}: ${codes.get(c.userId) ?? 'degraded'}`).join(', ');
      ctx.fillStyle = 'rgba(0,0,0,0.65)';
      ctx.fillRect(0, HEIGHT - 30, WIDTH, 30);
      ctx.fillStyle = '#ffd33d';
      ctx.font = '600 13px system-ui, sans-serif';
      ctx.textBaseline = 'middle';
      ctx.fillText(`frozen (${why})`, 8, HEIGHT - 15);
    }
    state = degraded.length > 0 ? 'degraded' : inputs.length > 1 ? 'mixed' : 'alone';
  }
  mark(canvas, { state, panes: inputs.length, inputs: inputs.join(',') });
  return { state, inputs };
};
