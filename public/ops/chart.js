// Callbacks and signals per second on this node, from its counters (GET /api/ops/stats), over the last
// two minutes. Each node counts its own: behind a load balancer this is whichever node answered.

const POINTS = 60;
const COLORS = { callbacks: '#0969da', signals: '#bc4c00' };

export const createRateChart = (canvas, legend) => {
  const rates = [];
  let last = null;

  const draw = () => {
    const ctx = canvas.getContext('2d');
    const { width: w, height: h } = canvas;
    ctx.clearRect(0, 0, w, h);
    const top = Math.max(1, ...rates.flatMap((r) => [r.callbacks, r.signals]));
    ctx.strokeStyle = '#d4d9de';
    ctx.fillStyle = '#5c6670';
    ctx.font = '11px system-ui, sans-serif';
    for (const f of [0, 0.5, 1]) {
      const y = h - 14 - f * (h - 24);
      ctx.beginPath();
      ctx.moveTo(32, y);
      ctx.lineTo(w, y);
      ctx.stroke();
      ctx.fillText((top * f).toFixed(top * f >= 10 ? 0 : 1), 2, y + 4);
    }
    for (const series of ['callbacks', 'signals']) {
      ctx.strokeStyle = COLORS[series];
      ctx.lineWidth = 2;
      ctx.beginPath();
      rates.forEach((r, i) => {
        const x = 32 + ((w - 34) * i) / (POINTS - 1);
        const y = h - 14 - (r[series] / top) * (h - 24);
        if (i === 0) ctx.moveTo(x, y);
        else ctx.lineTo(x, y);
      });
      ctx.stroke();
    }
    const now = rates[rates.length - 1] ?? { callbacks: 0, signals: 0 };
    canvas.dataset.points = String(rates.length);
    canvas.dataset.callbacksRate = now.callbacks.toFixed(2);
    canvas.dataset.signalsRate = now.signals.toFixed(2);
    legend.replaceChildren(
      Object.assign(document.createElement('span'), {
        className: 'swatch-callbacks',
        textContent: `callbacks ${now.callbacks.toFixed(1)}/s`,
      }),
      ' · ',
      Object.assign(document.createElement('span'), {
        className: 'swatch-signals',
        textContent: `signals ${now.signals.toFixed(1)}/s`,
      }),
      ` · totals on this node: ${last ? `${last.callbacks} callbacks, ${last.signals} signals, ${last.inputs} inputs` : '…'}`,
    );
  };

  return {
    /** A new reading of the counters; a counter that went down means the node restarted: start again. */
    add(stats) {
      if (last && stats.at > last.at && stats.callbacks >= last.callbacks && stats.signals >= last.signals) {
        const dt = (stats.at - last.at) / 1000;
        rates.push({
          callbacks: (stats.callbacks - last.callbacks) / dt,
          signals: (stats.signals - last.signals) / dt,
        });
        if (rates.length > POINTS) rates.shift();
      }
      last = stats;
      draw();
    },
  };
};
