import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { federa, serverProcess } from '../cli/run-cli.js';
import { tempDir } from '../helpers/federation.js';
import { type FullServer, startFullServer } from '../dashboard/full-server.js';
import { type Yaml, parseYamlDocuments } from './mini-yaml.js';

type Obj = { [k: string]: Yaml };
const obj = (v: Yaml | undefined): Obj => {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new Error(`expected a mapping, got ${JSON.stringify(v)}`);
  return v;
};
const arr = (v: Yaml | undefined): Yaml[] => {
  if (!Array.isArray(v)) throw new Error(`expected a sequence, got ${JSON.stringify(v)}`);
  return v;
};
const API_VERSIONS: Record<string, string> = {
  Namespace: 'v1',
  Service: 'v1',
  StatefulSet: 'apps/v1',
  Deployment: 'apps/v1',
  HorizontalPodAutoscaler: 'autoscaling/v2',
};

const K8S = 'deploy/k8s';
const manifests = readdirSync(K8S)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) =>
    parseYamlDocuments(readFileSync(join(K8S, f), 'utf8')).map((doc) => ({ file: f, doc: obj(doc) })),
  );
const ofKind = (kind: string) => manifests.filter((m) => m.doc['kind'] === kind).map((m) => m.doc);
const workloads = () => [...ofKind('StatefulSet'), ...ofKind('Deployment')];
const podSpec = (w: Obj) => obj(obj(obj(w['spec'])['template'])['spec']);
const podLabels = (w: Obj) => obj(obj(obj(obj(w['spec'])['template'])['metadata'])['labels']);
const containers = (w: Obj) => arr(podSpec(w)['containers']).map(obj);
const portNames = (w: Obj) => containers(w).flatMap((c) => arr(c['ports']).map((p) => obj(p)['name']));
const subset = (a: Obj, b: Obj) => Object.entries(a).every(([k, v]) => b[k] === v);

let server: FullServer;
let routes: Set<string>;
beforeAll(async () => {
  server = await startFullServer();
  routes = new Set(server.routes.filter((r) => r.method === 'GET').map((r) => r.url));
});
afterAll(async () => server?.close());

describe('mini YAML parser', () => {
  it('parses nested mappings, item mappings, flow lists and scalars', () => {
    const [doc] = parseYamlDocuments(
      'a:\n  b: 1\n  c: ["x", y]\nlist:\n  - name: n\n    port: 80\n  - plain\nq: "#not a comment" # comment\ne: {}\n',
    );
    expect(doc).toEqual({
      a: { b: 1, c: ['x', 'y'] },
      list: [{ name: 'n', port: 80 }, 'plain'],
      q: '#not a comment',
      e: {},
    });
  });
  it('rejects syntax outside the subset instead of misreading it', () => {
    expect(() => parseYamlDocuments('a: &anchor 1\n')).toThrow(/unsupported/);
    expect(() => parseYamlDocuments('a: |\n  text\n')).toThrow(/unsupported/);
    expect(() => parseYamlDocuments('a:\n\tb: 1\n')).toThrow(/tabs/);
    expect(() => parseYamlDocuments('a: 1\na: 2\n')).toThrow(/duplicate/);
    expect(() => parseYamlDocuments('a:\n    b: 1\n  c: 2\n')).toThrow(/indentation/);
  });
});

describe('Kubernetes manifests', () => {
  it('every document has a known kind, its apiVersion, a name and the federa namespace', () => {
    expect(manifests.length).toBeGreaterThanOrEqual(6);
    for (const { file, doc } of manifests) {
      const kind = String(doc['kind']);
      expect(API_VERSIONS[kind], `${file}: kind ${kind}`).toBeDefined();
      expect(doc['apiVersion'], file).toBe(API_VERSIONS[kind]);
      const meta = obj(doc['metadata']);
      expect(meta['name'], file).toMatch(/^[a-z0-9-]+$/);
      if (kind !== 'Namespace') expect(meta['namespace'], file).toBe('federa');
    }
  });

  it('the coordinator is a one-replica StatefulSet with a persistent volume for the store, probed on real health routes', () => {
    const [sts] = ofKind('StatefulSet');
    const spec = obj(sts!['spec']);
    expect(spec['replicas']).toBe(1);
    expect(ofKind('Service').map((s) => obj(s['metadata'])['name'])).toContain(spec['serviceName']);
    expect(subset(obj(obj(spec['selector'])['matchLabels']), podLabels(sts!))).toBe(true);
    const claims = arr(spec['volumeClaimTemplates']).map(obj);
    const claim = claims.find((c) => obj(c['metadata'])['name'] === 'store')!;
    expect(obj(obj(obj(claim['spec'])['resources'])['requests'])['storage']).toMatch(/^\d+Gi$/);
    const [container] = containers(sts!);
    const mounts = arr(container!['volumeMounts']).map(obj);
    const storeMount = mounts.find((m) => m['name'] === 'store')!;
    expect(arr(container!['args']).join(' ')).toContain(`--store ${storeMount['mountPath']}/store`);
  });

  it('every workload has readiness and liveness probes on GET routes the app really serves, via a declared port', () => {
    for (const w of workloads()) {
      for (const c of containers(w)) {
        for (const probe of ['readinessProbe', 'livenessProbe']) {
          const http = obj(obj(c[probe])['httpGet']);
          expect(routes.has(String(http['path'])), `${probe} ${http['path']}`).toBe(true);
          expect(portNames(w)).toContain(http['port']);
        }
      }
      const volumes = arr(podSpec(w)['volumes'] ?? []).map((v) => obj(v)['name']);
      const claims = arr(obj(w['spec'])['volumeClaimTemplates'] ?? []).map(
        (c) => obj(obj(c)['metadata'])['name'],
      );
      for (const c of containers(w)) {
        for (const m of arr(c['volumeMounts'] ?? []))
          expect([...volumes, ...claims]).toContain(obj(m)['name']);
      }
    }
  });

  it('every Service selects a workload and targets one of its named ports', () => {
    for (const svc of ofKind('Service')) {
      const spec = obj(svc['spec']);
      const selected = workloads().filter((w) => subset(obj(spec['selector']), podLabels(w)));
      expect(selected.length, String(obj(svc['metadata'])['name'])).toBeGreaterThan(0);
      for (const p of arr(spec['ports']))
        for (const w of selected) expect(portNames(w)).toContain(obj(p)['targetPort']);
    }
  });

  it('the HPA scales a Deployment defined here, within sane bounds', () => {
    const [hpa] = ofKind('HorizontalPodAutoscaler');
    const spec = obj(hpa!['spec']);
    const target = obj(spec['scaleTargetRef']);
    expect(ofKind(String(target['kind'])).map((d) => obj(d['metadata'])['name'])).toContain(target['name']);
    expect(Number(spec['minReplicas'])).toBeLessThanOrEqual(Number(spec['maxReplicas']));
    expect(arr(spec['metrics']).length).toBeGreaterThan(0);
  });
});

describe('secure by default (issue 11 row 2)', () => {
  const serverContainers = () =>
    workloads().flatMap((w) =>
      containers(w)
        .filter((c) => arr(c['args']).slice(0, 2).join(' ') === 'server start')
        .map((c) => ({ w, c, args: arr(c['args']).map(String) })),
    );
  const flagValue = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

  it('every coordinator container reads its tokens file from the federa-tokens Secret, and no FEDERA_TOKEN', () => {
    expect(serverContainers().length).toBeGreaterThanOrEqual(2);
    for (const { w, c, args } of serverContainers()) {
      const names = arr(c['env'] ?? []).map((e) => obj(e)['name']);
      expect(names, 'FEDERA_TOKEN is a client setting the server ignores').not.toContain('FEDERA_TOKEN');
      const tokensFile = flagValue(args, '--tokens-file');
      expect(tokensFile, args.join(' ')).toMatch(/^\//);
      const mount = arr(c['volumeMounts'])
        .map(obj)
        .find((m) => tokensFile!.startsWith(`${m['mountPath']}/`));
      expect(mount?.['readOnly'], 'tokens mount').toBe(true);
      const volume = arr(podSpec(w)['volumes'])
        .map(obj)
        .find((v) => v['name'] === mount!['name'])!;
      expect(obj(volume['secret'])['secretName']).toBe('federa-tokens');
    }
  });

  it("the manifests' own arguments start a coordinator that refuses anonymous callers, and none without the Secret", async () => {
    const dir = await tempDir('federa-deploy-');
    // The container's paths moved under a temp dir; --port 0 comes from serverProcess.
    const local = (args: string[], data: string) =>
      args
        .slice(2)
        .map((a) =>
          a.replace(/^\/data\//, `${dir.path}/${data}/`).replace(/^\/etc\/federa\//, `${dir.path}/secret/`),
        )
        .map((a, i, all) => (all[i - 1] === '--port' ? '0' : a));
    try {
      for (const { args } of serverContainers()) {
        const missing = await federa(['server', 'start', ...local(args, 'data')]);
        expect(missing.code, missing.stderr).toBe(1);
        expect(missing.stderr).toMatch(/--tokens-file: cannot read .*ENOENT/);
      }
      mkdirSync(`${dir.path}/secret`);
      await federa(['token', 'create', '--role', 'admin', '--tokens-file', `${dir.path}/secret/tokens.json`]);
      for (const [i, { args }] of serverContainers().entries()) {
        const server = await serverProcess(local(args, `data-${i}`));
        const base = server.url.replace('0.0.0.0', '127.0.0.1');
        expect((await fetch(`${base}/api/runs`)).status).toBe(401);
        expect((await fetch(`${base}/v2/health/ready`)).status).toBe(200);
        expect(await server.stop()).toBe(0);
      }
    } finally {
      await dir.remove();
    }
  });

  it("the image's environment alone (FEDERA_HOST=0.0.0.0, no tokens file) refuses to start", async () => {
    const text = readFileSync('deploy/Dockerfile', 'utf8');
    const env = Object.fromEntries(
      [...text.matchAll(/(FEDERA_[A-Z_]+)=(\S+)/g)].map((m) => [m[1]!, m[2]!.replace(/\\$/, '')]),
    );
    expect(env['FEDERA_HOST']).toBe('0.0.0.0');
    expect(env['FEDERA_TOKENS_FILE']).toBe('/etc/federa/tokens.json');
    const dir = await tempDir('federa-image-');
    try {
      const store = `${dir.path}/store`;
      const withoutSecret = await federa(['server', 'start'], { env: { ...env, FEDERA_STORE: store } });
      expect(withoutSecret.stderr).toMatch(/cannot read \/etc\/federa\/tokens\.json/);
      const unset = await federa(['server', 'start'], {
        env: { ...env, FEDERA_STORE: store, FEDERA_TOKENS_FILE: undefined },
      });
      expect(unset.code).toBe(2);
      expect(unset.stderr).toMatch(/refusing to serve 0\.0\.0\.0 with authentication off/);
    } finally {
      await dir.remove();
    }
  });
});

describe('Dockerfile', () => {
  const text = readFileSync('deploy/Dockerfile', 'utf8');
  it('is multi-stage, copies every package build and the dashboard assets, and runs the CLI', () => {
    expect(text.match(/^FROM /gm)!.length).toBeGreaterThanOrEqual(2);
    for (const pkg of readdirSync('packages')) {
      expect(text).toContain(`COPY --from=build /app/packages/${pkg}/dist packages/${pkg}/dist`);
      expect(text).toContain(`COPY packages/${pkg}/package.json packages/${pkg}/`);
    }
    expect(text).toContain('packages/server/src/dashboard/assets');
    expect(existsSync('packages/server/src/dashboard/assets/index.html')).toBe(true);
    expect(text).toMatch(/ENTRYPOINT \["node", "packages\/cli\/dist\/bin\.js"\]/);
    const exposed = /^EXPOSE (\d+)/m.exec(text)![1];
    for (const w of workloads())
      for (const c of containers(w))
        expect(arr(c['ports']).map((p) => String(obj(p)['containerPort']))).toContain(exposed);
  });
  it('copies only paths that exist in the repository', () => {
    const sources = [...text.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(' '));
    expect(sources.length).toBeGreaterThan(5);
    for (const s of sources) expect(existsSync(s), s).toBe(true);
  });
});

describe('Prometheus and Grafana', () => {
  it('the scrape config targets the /metrics route', () => {
    const [config] = parseYamlDocuments(readFileSync('deploy/prometheus/prometheus.yml', 'utf8'));
    const jobs = arr(obj(config)['scrape_configs']).map(obj);
    expect(jobs.length).toBeGreaterThan(0);
    for (const job of jobs) expect(routes.has(String(job['metrics_path']))).toBe(true);
  });

  it('every Grafana query uses metrics the coordinator really exports', async () => {
    const dashboard = JSON.parse(readFileSync('deploy/grafana/federa-dashboard.json', 'utf8')) as {
      panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
    };
    const exported = await server.app.metricsRegistry.getMetricsAsJSON();
    const names = new Set(
      exported.flatMap((m) =>
        String(m.type) === 'histogram' ? ['_bucket', '_sum', '_count'].map((s) => m.name + s) : [m.name],
      ),
    );
    expect(dashboard.panels.length).toBeGreaterThan(8);
    for (const panel of dashboard.panels) {
      expect(panel.targets.length, panel.title).toBeGreaterThan(0);
      for (const { expr } of panel.targets) {
        for (const metric of expr.match(/\bfedera_[a-z_]+/g) ?? [])
          expect(names.has(metric), `${panel.title}: ${metric}`).toBe(true);
      }
    }
  });
});
