import { afterAll, describe, expect, it } from 'vitest';
import { startNode, stopAllNodes } from '../../support/node-process.js';

/** Everything a production node needs, in simulator mode (cloud mode would need an AliLive to talk to). */
const PROD_SIM: Record<string, string> = {
  NODE_ENV: 'production',
  ALILIVE_MODE: 'simulator',
  CALLBACK_TOKEN: 'callback-token-0123456789',
  ALILIVE_CALLBACK_AUTH_KEY: 'notify-auth-key',
  AUTH_JWT_SECRET: 'a-production-secret-of-32-bytes!',
};
const CLOUD: Record<string, string> = {
  ...PROD_SIM,
  ALILIVE_MODE: 'cloud',
  ALILIVE_ACCESS_KEY_ID: 'ram-id',
  ALILIVE_ACCESS_KEY_SECRET: 'ram-secret',
  ALILIVE_PUSH_AUTH_KEY: 'push-url-key',
  ALILIVE_PLAY_AUTH_KEY: 'play-url-key',
};

/** Starts `src/main.ts` as a process and expects it to exit 1 before listening, printing one line. */
const refusedStart = async (env: Record<string, string>): Promise<string> => {
  const err = await startNode({ env }).then(
    async (node) => {
      await node.kill();
      throw new Error('the node started');
    },
    (e: Error) => e,
  );
  const m = /^linkmic node exited during start-up \(code (\d+), signal null\):\n([\s\S]*)$/.exec(err.message);
  expect(m, err.message).not.toBeNull();
  expect(m![1]).toBe('1');
  const lines = m![2]!.trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0]!;
};

const without = (env: Record<string, string>, ...keys: string[]) =>
  Object.fromEntries(Object.entries(env).filter(([k]) => !keys.includes(k)));

describe('a production node refuses to start, in one line naming the key (issue 9, holes 1, 4, 5)', () => {
  afterAll(() => stopAllNodes());

  // Every refusal line has its own config test (test/unit/config/production.test.ts); here, as a process, one per hole.
  it('without callback authentication (hole 1), with an unknown NODE_ENV (hole 4), without an explicit ALILIVE_MODE (hole 5)', async () => {
    const lines = await Promise.all([
      refusedStart(without(CLOUD, 'CALLBACK_TOKEN')),
      refusedStart({ ...CLOUD, NODE_ENV: 'prod' }),
      refusedStart(without(PROD_SIM, 'ALILIVE_MODE')),
    ]);
    expect(lines).toEqual([
      'config CALLBACK_TOKEN: required when NODE_ENV=production (callbacks would be unauthenticated)',
      'config NODE_ENV: must be development, test or production',
      'config ALILIVE_MODE: must be set explicitly (simulator or cloud) when NODE_ENV=production',
    ]);
  });

  it('with the simulator chosen explicitly it starts, and warns loudly that /_sim/* is open', async () => {
    const node = await startNode({ env: PROD_SIM });
    try {
      const warning = node
        .stdout()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { level: number; msg: string })
        .find((l) => l.msg.includes('/_sim/*'));
      expect(warning).toMatchObject({ level: 40, msg: expect.stringMatching(/WITHOUT authentication/) });
      // No console and no dev token outside development and test.
      expect(node.stdout()).not.toMatch(/dev token|console: open/);
      expect((await fetch(`${node.url}/_sim/token?userId=u1`)).status).toBe(404);
    } finally {
      await node.stop();
    }
  });
});
