import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getScrapeConfigs, loadConfig } from '../../config/index.js';
import { Manager } from '../manager.js';
import { sdMetricsFor, type SDMetrics } from '../metrics.js';
import { sdConfigsOf } from '../sd-config.js';
import { GroupCollector, addresses, recordingLogger, waitForSets, eventually, metricSum, runDiscoverer, withStarted } from '../test-support.js';
import type { KubernetesSDConfig } from './connection.js';
import { FakeKubeAPI } from './fake-api-server.js';
import { KubernetesDiscoverer } from './kubernetes.js';
import type { Pod } from './types.js';
import { testCerts } from '../../../test/support/test-certs.js';

const K = '__meta_kubernetes_';

function k8sConfig(yaml: string, dir = '/tmp'): KubernetesSDConfig {
  const cfg = loadConfig(`scrape_configs:\n- job_name: k8s\n  kubernetes_sd_configs:\n  - ${yaml.trim().replace(/\n/g, '\n    ')}\n`, join(dir, 'prometheus.yml'));
  return getScrapeConfigs(cfg)[0]!.kubernetes_sd_configs[0]!;
}

function makePod(name: string, ns: string, ip: string, extra: Partial<Pod['metadata']> = {}, port = 8080): Pod {
  return {
    metadata: { name, namespace: ns, uid: `uid-${name}`, labels: { app: 'web' }, ...extra },
    spec: { nodeName: 'node-a', containers: [{ name: 'app', image: 'app:1', ports: [{ name: 'http', containerPort: port, protocol: 'TCP' }] }] },
    status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}


function withAPI(opts: ConstructorParameters<typeof FakeKubeAPI>[0], fn: (api: FakeKubeAPI) => Promise<void>): Promise<void> {
  return withStarted(new FakeKubeAPI(opts), fn);
}

function discover(cfg: KubernetesSDConfig, fn: (c: GroupCollector, metrics: SDMetrics) => Promise<void>, inCluster?: ConstructorParameters<typeof KubernetesDiscoverer>[2]): Promise<void> {
  return runDiscoverer((metrics) => new KubernetesDiscoverer(cfg, { logger: recordingLogger().logger, metrics, name: 'kubernetes/0' }, inCluster), fn);
}


test('kubernetes SD through the manager: pod added, modified and deleted on the API server show up within 5 s', async () => {
  await withAPI({ token: 't0ken' }, async (api) => {
    api.apply('pods', makePod('web-0', 'default', '10.0.0.1'));
    const cfg = loadConfig(
      `scrape_configs:\n- job_name: pods\n  kubernetes_sd_configs:\n  - role: pod\n    api_server: ${api.url}\n    authorization: {credentials: t0ken}\n`,
      '/tmp/prometheus.yml',
    );
    const m = new Manager({ logger: recordingLogger().logger, updateIntervalMs: 100 });
    try {
      m.applyConfig(new Map(getScrapeConfigs(cfg).map((sc) => [sc.job_name, sdConfigsOf(sc)])));
      m.start();
      await waitForSets(m, (s) => addresses(s.get('pods') ?? []).join() === '10.0.0.1:8080');
      await eventually(() => api.watchers > 0);

      let t0 = Date.now();
      api.apply('pods', makePod('web-1', 'default', '10.0.0.2'));
      await waitForSets(m, (s) => addresses(s.get('pods') ?? []).join() === '10.0.0.1:8080,10.0.0.2:8080', 5000);
      assert.ok(Date.now() - t0 < 5000);

      t0 = Date.now();
      api.apply('pods', makePod('web-1', 'default', '10.0.0.2', { labels: { app: 'web', version: 'v2' } }));
      const modified = await waitForSets(m, (s) => (s.get('pods') ?? []).some((g) => g.labels.get(`${K}pod_label_version`) === 'v2'), 5000);
      assert.ok(Date.now() - t0 < 5000);
      assert.equal(modified.get('pods')!.find((g) => g.source === 'pod/default/web-1')!.labels.get(`${K}pod_labelpresent_version`), 'true');

      t0 = Date.now();
      api.delete('pods', 'default', 'web-0');
      await waitForSets(m, (s) => addresses(s.get('pods') ?? []).join() === '10.0.0.2:8080', 5000);
      assert.ok(Date.now() - t0 < 5000);

      const events = (e: string) => metricSum(m.metrics.registry, 'prometheus_sd_kubernetes_events_total', { role: 'pod', event: e });
      assert.ok((await events('add')) >= 2);
      assert.ok((await events('update')) >= 1);
      assert.ok((await events('delete')) >= 1);
      assert.ok(api.requests.every((r) => r.headers.authorization === 'Bearer t0ken'));
      const watch = api.requests.find((r) => r.query.get('watch') === '1')!;
      assert.equal(watch.path, '/api/v1/pods');
      assert.ok(watch.query.get('resourceVersion'));
    } finally {
      await m.stop();
    }
  });
});

test('kubernetes SD: namespaces and selectors become per-namespace paths and labelSelector/fieldSelector parameters', async () => {
  await withAPI({}, async (api) => {
    api.apply('pods', makePod('a', 'team-a', '10.0.1.1'));
    api.apply('pods', makePod('b', 'team-b', '10.0.2.1'));
    api.apply('pods', makePod('c', 'team-c', '10.0.3.1'));
    api.apply('pods', makePod('d', 'team-a', '10.0.1.2', { labels: { app: 'db' } }));
    const cfg = k8sConfig(`
role: pod
api_server: ${api.url}
namespaces: {names: [team-a, team-b]}
selectors:
- role: pod
  label: app=web
  field: status.phase=Running
`);
    await discover(cfg, async (c) => {
      await c.until((g) => g.size === 2);
      assert.deepEqual(addresses(c.groups.values()), ['10.0.1.1:8080', '10.0.2.1:8080']);
      const lists = api.requests.filter((r) => !r.query.has('watch'));
      assert.deepEqual(lists.map((r) => r.path).sort(), ['/api/v1/namespaces/team-a/pods', '/api/v1/namespaces/team-b/pods']);
      for (const r of api.requests) {
        assert.equal(r.query.get('labelSelector'), 'app=web');
        assert.equal(r.query.get('fieldSelector'), 'status.phase=Running');
      }
    });
  });
});

test('kubernetes SD: an expired watch (410 Gone) re-lists and keeps following changes', async () => {
  await withAPI({}, async (api) => {
    api.apply('services', { metadata: { name: 'web', namespace: 'default' }, spec: { type: 'ClusterIP', clusterIP: '10.96.0.1', ports: [{ port: 80, protocol: 'TCP' }] } });
    await discover(k8sConfig(`role: service\napi_server: ${api.url}`), async (c, metrics) => {
      await c.until((g) => g.size === 1);
      await eventually(() => api.watchers > 0);
      api.expire();
      api.apply('services', { metadata: { name: 'db', namespace: 'default' }, spec: { type: 'ClusterIP', clusterIP: '10.96.0.2', ports: [{ port: 5432, protocol: 'TCP' }] } });
      await c.until((g) => g.size === 2);
      assert.deepEqual(addresses(c.groups.values()), ['db.default.svc:5432', 'web.default.svc:80']);
      assert.ok(api.requests.filter((r) => !r.query.has('watch')).length >= 2, 're-listed');
      assert.equal(await metricSum(metrics.registry, 'prometheus_sd_kubernetes_failures_total'), 0, '410 is not a failure');
      api.delete('services', 'default', 'web');
      await c.until((g) => g.size === 1 && g.has('svc/default/db'));
    });
  });
});

test('kubernetes SD endpoints role: follows endpoints, services and pods; pod changes update the endpoint targets', async () => {
  await withAPI({}, async (api) => {
    api.apply('pods', makePod('web-0', 'default', '10.0.0.1', {}, 8080));
    api.apply('services', { metadata: { name: 'web', namespace: 'default', labels: { tier: 'fe' } }, spec: { type: 'ClusterIP', ports: [{ port: 80, protocol: 'TCP' }] } });
    api.apply('endpoints', {
      metadata: { name: 'web', namespace: 'default' },
      subsets: [{ addresses: [{ ip: '10.0.0.1', targetRef: { kind: 'Pod', name: 'web-0', namespace: 'default' } }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }],
    });
    await discover(k8sConfig(`role: endpoints\napi_server: ${api.url}`), async (c, metrics) => {
      await c.until((g) => g.size === 1);
      const g = c.groups.get('endpoints/default/web')!;
      assert.equal(g.labels.get(`${K}service_label_tier`), 'fe');
      assert.equal(g.targets[0]!.get(`${K}pod_name`), 'web-0');
      assert.equal(g.targets[0]!.get(`${K}pod_container_name`), 'app');
      api.apply('pods', makePod('web-0', 'default', '10.0.0.1', { labels: { app: 'web', canary: 'yes' } }, 8080));
      await c.until((gs) => gs.get('endpoints/default/web')?.targets[0]?.get(`${K}pod_label_canary`) === 'yes');
      api.apply('services', { metadata: { name: 'web', namespace: 'default', labels: { tier: 'be' } }, spec: { type: 'ClusterIP', ports: [{ port: 80, protocol: 'TCP' }] } });
      await c.until((gs) => gs.get('endpoints/default/web')?.labels.get(`${K}service_label_tier`) === 'be');
      assert.ok((await metricSum(metrics.registry, 'prometheus_sd_kubernetes_events_total', { role: 'service', event: 'update' })) >= 1);
      assert.deepEqual(new Set(api.requests.filter((r) => !r.query.has('watch')).map((r) => r.path)), new Set(['/api/v1/endpoints', '/api/v1/services', '/api/v1/pods']));
    });
  });
});

test('kubernetes SD endpointslice, ingress and node roles use their API groups', async () => {
  await withAPI({}, async (api) => {
    api.apply('endpointslices', {
      metadata: { name: 'web-x', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['10.0.0.9'], conditions: { ready: true } }],
      ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
    });
    api.apply('ingresses', { metadata: { name: 'site', namespace: 'default' }, spec: { rules: [{ host: 'site.example.org' }] } });
    api.apply('nodes', { metadata: { name: 'n1' }, status: { addresses: [{ type: 'InternalIP', address: '192.168.1.1' }], daemonEndpoints: { kubeletEndpoint: { Port: 10250 } } } });
    for (const [role, want, path] of [
      ['endpointslice', '10.0.0.9:80', '/apis/discovery.k8s.io/v1/endpointslices'],
      ['ingress', 'site.example.org', '/apis/networking.k8s.io/v1/ingresses'],
      ['node', '192.168.1.1:10250', '/api/v1/nodes'],
    ] as const) {
      await discover(k8sConfig(`role: ${role}\napi_server: ${api.url}`), async (c) => {
        await c.until((g) => g.size === 1);
        assert.deepEqual(addresses(c.groups.values()), [want]);
        assert.ok(api.requests.some((r) => r.path === path));
      });
    }
  });
});

test('kubernetes SD: attach_metadata node and namespace decorate pods and follow node changes', async () => {
  await withAPI({}, async (api) => {
    api.apply('pods', makePod('web-0', 'default', '10.0.0.1'));
    api.apply('nodes', { metadata: { name: 'node-a', labels: { zone: 'z1' } } });
    api.apply('namespaces', { metadata: { name: 'default', labels: { team: 'core' } } });
    await discover(k8sConfig(`role: pod\napi_server: ${api.url}\nattach_metadata: {node: true, namespace: true}`), async (c) => {
      await c.until((g) => g.size === 1);
      const g = c.groups.get('pod/default/web-0')!;
      assert.equal(g.labels.get(`${K}node_label_zone`), 'z1');
      assert.equal(g.labels.get(`${K}namespace_label_team`), 'core');
      api.apply('nodes', { metadata: { name: 'node-a', labels: { zone: 'z2' } } });
      await c.until((gs) => gs.get('pod/default/web-0')?.labels.get(`${K}node_label_zone`) === 'z2');
    });
  });
});

test('kubernetes SD: TLS with a CA file, basic auth, and an unauthorized server counted as failures', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ignis-k8s-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const certs = testCerts(dir);
  if (!certs) return t.skip('openssl not available');
  const tls = { cert: certs.cert, key: certs.key };
  await withAPI({ tls, basicAuth: { username: 'prom', password: 'pw' } }, async (api) => {
    api.apply('pods', makePod('web-0', 'default', '10.0.0.1'));
    const good = k8sConfig(`role: pod\napi_server: ${api.url}\ntls_config: {ca_file: ${certs.caFile}}\nbasic_auth: {username: prom, password: pw}`);
    await discover(good, async (c) => {
      await c.until((g) => g.size === 1);
    });
    const wrong = k8sConfig(`role: pod\napi_server: ${api.url}\ntls_config: {ca_file: ${certs.caFile}}\nbasic_auth: {username: prom, password: nope}`);
    await discover(wrong, async (c, metrics) => {
      await eventually(async () => (await metricSum(metrics.registry, 'prometheus_sd_kubernetes_failures_total')) >= 1);
      assert.equal(c.groups.size, 0);
    });
    const untrusted = k8sConfig(`role: pod\napi_server: ${api.url}\nbasic_auth: {username: prom, password: pw}`);
    await discover(untrusted, async (c, metrics) => {
      await eventually(async () => (await metricSum(metrics.registry, 'prometheus_sd_kubernetes_failures_total')) >= 1);
      assert.equal(c.groups.size, 0, 'certificate not trusted without the CA');
    });
  });
});

test('kubernetes SD: in-cluster service account (token, CA, own_namespace) and kubeconfig files', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ignis-k8s-'));
  const certs = testCerts(dir);
  if (!certs) {
    rmSync(dir, { recursive: true, force: true });
    return t.skip('openssl not available');
  }
  const tls = { cert: certs.cert, key: certs.key };
  try {
    await withAPI({ tls, token: 'sa-token' }, async (api) => {
      api.apply('pods', makePod('mine', 'monitoring', '10.0.9.1'));
      api.apply('pods', makePod('other', 'default', '10.0.9.2'));
      writeFileSync(join(dir, 'token'), 'sa-token\n');
            writeFileSync(join(dir, 'namespace'), 'monitoring');
      const port = new URL(api.url).port;
      const inCluster = { env: { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: port }, serviceAccountDir: dir };
      await discover(
        k8sConfig('role: pod\nnamespaces: {own_namespace: true}'),
        async (c) => {
          await c.until((g) => g.size === 1);
          assert.deepEqual([...c.groups.keys()], ['pod/monitoring/mine']);
          assert.ok(api.requests.some((r) => r.path === '/api/v1/namespaces/monitoring/pods'));
        },
        inCluster,
      );
      assert.throws(() => new KubernetesDiscoverer(k8sConfig('role: pod'), { logger: recordingLogger().logger, metrics: sdMetricsFor(), name: 'k' }, { env: {}, serviceAccountDir: dir }), /KUBERNETES_SERVICE_HOST/);

      const kubeconfig = join(dir, 'kubeconfig.yml');
      writeFileSync(
        kubeconfig,
        `apiVersion: v1
kind: Config
current-context: test
contexts: [{name: test, context: {cluster: c1, user: u1, namespace: monitoring}}]
clusters: [{name: c1, cluster: {server: '${api.url}', certificate-authority-data: ${Buffer.from(certs.ca).toString('base64')}}}]
users: [{name: u1, user: {token: sa-token}}]
`,
      );
      await discover(k8sConfig(`role: pod\nkubeconfig_file: ${kubeconfig}`, dir), async (c) => {
        await c.until((g) => g.size === 2);
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
