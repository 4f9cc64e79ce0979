import { Agent, request } from 'node:http';

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

/** GET on loopback with a keep-alive agent; resolves with status and body text. Bounded by `timeoutMs`. */
export const get = (url: string, timeoutMs = 10_000): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    const req = request(url, { agent, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });

/** GET that must answer 200 with JSON; returns the parsed body. */
export const getJson = async <T = any>(url: string): Promise<T> => {
  const { status, body } = await get(url);
  if (status !== 200) throw new Error(`GET ${url} → ${status} ${body.slice(0, 200)}`);
  return JSON.parse(body) as T;
};

/** Sum of the samples of one Prometheus counter, by a label value (`linkmic_callbacks_total{kind,result}`). */
export const counterByLabel = (metricsText: string, name: string, label: string): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const m = new RegExp(`${label}="([^"]*)"`).exec(line);
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (m) out[m[1]!] = (out[m[1]!] ?? 0) + value;
  }
  return out;
};

export const closeAgent = (): void => agent.destroy();
