import { spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { configSchema } from '../../src/config/schema.js';
import { readEnvExample, ROOT } from '../support/compose-file.js';

/**
 * deploy/k8s/ against the Kubernetes API schemas (v1.27, from the kubernetes-models package: its validators are
 * generated from the Kubernetes OpenAPI document), and, since those schemas let unknown fields through (as the
 * API server does, silently dropping them), the package's TypeScript types once more: an object literal with a
 * misspelt field fails to compile. kubeconform installs from neither npm nor Debian here.
 */

const DIR = join(ROOT, 'deploy', 'k8s');

/** apiVersion/kind → [model class, its TypeScript interface and module, for the strict check]. */
const MODELS = {
  'apps/v1/Deployment': [Deployment, 'IDeployment', 'kubernetes-models/apps/v1/Deployment'],
  'autoscaling/v2/HorizontalPodAutoscaler': [
    HorizontalPodAutoscaler,
    'IHorizontalPodAutoscaler',
    'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler',
  ],
  'policy/v1/PodDisruptionBudget': [
    PodDisruptionBudget,
    'IPodDisruptionBudget',
    'kubernetes-models/policy/v1/PodDisruptionBudget',
  ],
  'v1/ConfigMap': [ConfigMap, 'IConfigMap', 'kubernetes-models/v1/ConfigMap'],
  'v1/Secret': [Secret, 'ISecret', 'kubernetes-models/v1/Secret'],
  'v1/Service': [Service, 'IService', 'kubernetes-models/v1/Service'],
} as const;
type ModelKey = keyof typeof MODELS;

interface Manifest {
  file: string;
  key: string;
  doc: Record<string, any>;
}

const CONFIG_KEYS = Object.keys(configSchema.shape);

describe('Kubernetes manifests (deploy/k8s)', () => {
  const manifests: Manifest[] = [];
  const one = (key: ModelKey): Record<string, any> => {
    const found = manifests.filter((m) => m.key === key);
    expect(found, key).toHaveLength(1);
    return found[0]!.doc;
  };

  beforeAll(async () => {
    const files = (await readdir(DIR)).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').sort();
    for (const file of files) {
      for (const d of parseAllDocuments(await readFile(join(DIR, file), 'utf8'))) {
        if (d.errors.length > 0) throw new Error(`${file}: ${d.errors[0]!.message}`);
        const doc = d.toJS() as Record<string, any>;
        manifests.push({ file, key: `${doc.apiVersion}/${doc.kind}`, doc });
      }
    }
  });

  it('kustomization.yaml lists every manifest, and only those', async () => {
    const kustomization = parseAllDocuments(await readFile(join(DIR, 'kustomization.yaml'), 'utf8'))[0]!.toJS();
    expect([...kustomization.resources].sort()).toEqual([...new Set(manifests.map((m) => m.file))].sort());
  });

  it('every object is a known kind and valid against its Kubernetes schema', () => {
    expect(manifests.map((m) => m.key).sort()).toEqual(Object.keys(MODELS).sort());
    for (const m of manifests) {
      const Model = MODELS[m.key as ModelKey][0] as unknown as new (data: unknown) => { validate(): void };
      expect(() => new Model(m.doc).validate(), `${m.file}: ${m.key}`).not.toThrow();
    }
  });

  it('the schema check catches a wrong type (so a pass means something)', () => {
    const broken = structuredClone(one('apps/v1/Deployment'));
    broken.spec.template.spec.containers[0].ports[0].containerPort = 'three thousand';
    expect(() => new Deployment(broken as never).validate()).toThrow(/containerPort/);
  });

  it('no unknown or misspelt fields: each object type-checks as an object literal of its Kubernetes type', async () => {
    const dir = join(ROOT, 'node_modules', '.cache', `linkmic-k8s-check-${process.pid}`);
    await mkdir(dir, { recursive: true });
    try {
      const source = (docs: Manifest[]) =>
        docs
          .map((m, i) => {
            const [, type, module] = MODELS[m.key as ModelKey];
            return `import type { ${type} as T${i} } from '${module}';\nexport const doc${i}: T${i} = ${JSON.stringify(m.doc, null, 2)};\n`;
          })
          .join('\n');
      const options = {
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: [],
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
      };
      await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: options, files: ['check.ts'] }));
      const tsc = async (text: string) => {
        await writeFile(join(dir, 'check.ts'), text);
        return spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir], {
          encoding: 'utf8',
          timeout: 60_000,
        });
      };
      const result = await tsc(source(manifests));
      expect(result.status, result.stdout + result.stderr).toBe(0);
      // And the check does catch a misspelling.
      const typo = structuredClone(manifests.find((m) => m.key === 'apps/v1/Deployment')!);
      typo.doc.spec.template.spec.containers[0].readinessProbes =
        typo.doc.spec.template.spec.containers[0].readinessProbe;
      const caught = await tsc(source([typo]));
      expect(caught.status).not.toBe(0);
      expect(caught.stdout).toMatch(/readinessProbes/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('Deployment: probes on /healthz and /readyz, resources, preStop within the grace period, config from both halves', () => {
    const deploy = one('apps/v1/Deployment');
    const pod = deploy.spec.template.spec;
    const [c] = pod.containers;
    expect(c.livenessProbe.httpGet.path).toBe('/healthz');
    expect(c.startupProbe.httpGet.path).toBe('/healthz');
    expect(c.readinessProbe.httpGet.path).toBe('/readyz');
    expect(c.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(c.resources.limits.memory).toEqual(expect.any(String));
    const sleep = Number(c.lifecycle.preStop.exec.command.at(-1));
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(sleep + 10);
    expect(c.envFrom).toEqual([
      { configMapRef: { name: one('v1/ConfigMap').metadata.name } },
      { secretRef: { name: one('v1/Secret').metadata.name } },
    ]);
    expect(deploy.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    expect(Number(deploy.spec.template.metadata.annotations['prometheus.io/port'])).toBe(c.ports[0].containerPort);
  });

  it('Service, PodDisruptionBudget and HPA all select the Deployment', () => {
    const deploy = one('apps/v1/Deployment');
    const labels = deploy.spec.template.metadata.labels;
    expect(one('v1/Service').spec.selector).toEqual(labels);
    expect(one('v1/Service').spec.ports[0].targetPort).toBe(deploy.spec.template.spec.containers[0].ports[0].name);
    expect(one('policy/v1/PodDisruptionBudget').spec.selector.matchLabels).toEqual(labels);
    const hpa = one('autoscaling/v2/HorizontalPodAutoscaler');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deploy.metadata.name });
    expect(hpa.spec.metrics.map((m: any) => m.pods?.metric.name ?? m.resource?.name)).toEqual([
      'linkmic_sockets_connected',
      'cpu',
    ]);
  });

  it('ConfigMap/Secret split: secrets only in the Secret, every secret key there, all keys known', () => {
    const secretKeys = new Set(
      readEnvExample()
        .filter((e) => /\bSECRET\b/.test(e.comment.join(' ')))
        .map((e) => e.key),
    );
    expect(secretKeys.size).toBeGreaterThan(5);
    const configMap = Object.keys(one('v1/ConfigMap').data);
    const secret = Object.keys(one('v1/Secret').stringData);
    expect(configMap.filter((k) => secretKeys.has(k))).toEqual([]);
    expect(secret.filter((k) => !secretKeys.has(k))).toEqual([]);
    expect([...secretKeys].filter((k) => CONFIG_KEYS.includes(k) && !secret.includes(k))).toEqual([]);
    const known = [...CONFIG_KEYS];
    expect([...configMap, ...secret].filter((k) => !known.includes(k))).toEqual([]);
  });

  /** What the shipped Secret leaves empty and production requires (cloud mode, URL auth on). */
  const REQUIRED_SECRETS = [
    'ALILIVE_ACCESS_KEY_ID',
    'ALILIVE_ACCESS_KEY_SECRET',
    'ALILIVE_CALLBACK_AUTH_KEY',
    'ALILIVE_PLAY_AUTH_KEY',
    'ALILIVE_PUSH_AUTH_KEY',
    'AUTH_JWT_SECRET',
    'CALLBACK_TOKEN',
  ];
  const FILLED: Record<string, string> = {
    AUTH_JWT_SECRET: 'k8s-test-secret-0123456789abcdef012345',
    ALILIVE_ACCESS_KEY_ID: 'id',
    ALILIVE_ACCESS_KEY_SECRET: 'secret',
    CALLBACK_TOKEN: 'k8sCallbackToken0123456789',
    ALILIVE_CALLBACK_AUTH_KEY: 'k8sCallbackAuthKey0123456789',
    ALILIVE_PUSH_AUTH_KEY: 'k8sPushAuthKey0123456789',
    ALILIVE_PLAY_AUTH_KEY: 'k8sPlayAuthKey0123456789',
  };
  const refusal = (env: Record<string, string>): ConfigError | undefined => {
    try {
      loadConfig({ dir: join(ROOT, 'config'), env });
    } catch (err) {
      if (err instanceof ConfigError) return err;
      throw err;
    }
    return undefined;
  };

  it('the two halves make a valid config once the required secrets are filled in, and the rest stay off', () => {
    const data = one('v1/ConfigMap').data as Record<string, string>;
    const shipped = one('v1/Secret').stringData as Record<string, string>;
    expect(
      Object.keys(shipped)
        .filter((k) => shipped[k] === '')
        .sort(),
    ).toEqual([...REQUIRED_SECRETS, 'ADMIN_API_KEY', 'ADMISSION_KEY'].sort());
    const config = loadConfig({ dir: join(ROOT, 'config'), env: { ...data, ...shipped, ...FILLED } });
    expect(config).toMatchObject({
      NODE_ENV: 'production',
      ALILIVE_MODE: 'cloud',
      ALILIVE_URL_AUTH: 'on',
      PORT: 3000,
      SOCKET_POLLING: 'off',
    });
    expect(config.REDIS_URL).toMatch(/^redis:\/\//);
    expect([config.ADMIN_API_KEY, config.ADMISSION_KEY, config.ADMISSION_URL]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it.each(REQUIRED_SECRETS)('a Secret that leaves %s empty stops the pods, naming it', (key) => {
    const data = one('v1/ConfigMap').data as Record<string, string>;
    const shipped = one('v1/Secret').stringData as Record<string, string>;
    expect(refusal({ ...data, ...shipped, ...FILLED, [key]: '' })?.key).toBe(key);
  });

  it('the shipped Secret, empty, is refused by name', () => {
    const data = one('v1/ConfigMap').data as Record<string, string>;
    const shipped = one('v1/Secret').stringData as Record<string, string>;
    expect(REQUIRED_SECRETS).toContain(refusal({ ...data, ...shipped })?.key);
  });
});
