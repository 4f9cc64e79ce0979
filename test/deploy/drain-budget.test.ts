import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { configShape } from '../../src/config/schema.js';

const DIR = join(import.meta.dirname, '..', '..', 'deploy', 'k8s');
const SLACK_S = 5;

/**
 * Kubernetes kills a pod terminationGracePeriodSeconds after it starts terminating: the preStop sleep and
 * linkmic's whole drain (DRAIN_TIMEOUT_S) must fit, with slack for the process to exit, or a drain is cut short.
 */
describe('the Kubernetes drain budget', () => {
  it('preStop sleep + DRAIN_TIMEOUT_S + slack fit within terminationGracePeriodSeconds', async () => {
    const deployment = parse(await readFile(join(DIR, 'deployment.yaml'), 'utf8'));
    const config = parse(await readFile(join(DIR, 'configmap.yaml'), 'utf8'));
    const pod = deployment.spec.template.spec;
    const command: string[] = pod.containers[0].lifecycle.preStop.exec.command;
    expect(command[0]).toBe('sleep');
    const preStopS = Number(command[1]);
    const drainS = configShape.shape.DRAIN_TIMEOUT_S.parse(config.data.DRAIN_TIMEOUT_S);
    expect(preStopS + drainS + SLACK_S).toBeLessThanOrEqual(pod.terminationGracePeriodSeconds);
    // And the drain is long enough to matter: the sockets' reconnect spread and a round of acks fit in it.
    expect(drainS * 1000).toBeGreaterThan(
      configShape.shape.DRAIN_RECONNECT_SPREAD_MS.parse(config.data.DRAIN_RECONNECT_SPREAD_MS),
    );
  });
});
