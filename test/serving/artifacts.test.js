import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROWS, createFixture, expectClose, startApp } from './fixture.js';
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
// Runs in a separate Node process with the stock @tensorflow/tfjs package: no Federa code involved.
const LOADER = `
import * as tf from '@tensorflow/tfjs';
const [url, rows] = [process.argv[1], JSON.parse(process.argv[2])];
const model = await tf.loadLayersModel(url);
const out = model.predict(tf.tensor2d(rows));
process.stdout.write('\\n' + JSON.stringify(await out.array()) + '\\n');
`;
async function loadInChild(url, rows) {
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', LOADER, url, JSON.stringify(rows)], { cwd: repoRoot, timeout: 60_000 });
    return JSON.parse(stdout.trim().split('\n').at(-1));
}
describe('TF.js artifacts', () => {
    let fx;
    let app;
    let base;
    beforeAll(async () => {
        fx = await createFixture(3);
        ({ app } = await startApp(fx));
        base = await app.listen({ port: 0, host: '127.0.0.1' });
        await app.serving.registry.setLabel('tiny', 'stable', 1, 'promote');
    });
    afterAll(async () => {
        await app.close();
        await fx.close();
    });
    it('an unmodified tf.loadLayersModel in another process loads a version by URL and predicts the same', async () => {
        const predicted = await loadInChild(`${base}/models/tiny/versions/2/model.json`, ROWS);
        expectClose(predicted.flat(), (await fx.reference(2, ROWS)).flat());
    });
    it('a label URL redirects to its version, and shards come from that same version', async () => {
        const redirect = await app.inject('/models/tiny/labels/stable/model.json');
        expect(redirect.statusCode).toBe(307);
        expect(redirect.headers.location).toBe('../../versions/1/model.json');
        const predicted = await loadInChild(`${base}/models/tiny/labels/stable/model.json`, ROWS);
        expectClose(predicted.flat(), (await fx.reference(1, ROWS)).flat());
    });
    it('versioned files are immutable, ETagged and CORS-enabled, with preflight', async () => {
        const json = await fetch(`${base}/models/tiny/versions/2/model.json`, {
            headers: { origin: 'https://app.example' },
        });
        expect(json.status).toBe(200);
        expect(json.headers.get('access-control-allow-origin')).toBe('*');
        expect(json.headers.get('cache-control')).toContain('immutable');
        const etag = json.headers.get('etag');
        expect(etag).toMatch(/^"[0-9a-f]{64}\.json"$/);
        const manifest = (await json.json()).weightsManifest[0];
        expect(manifest.weights.map((w) => w.name)).toEqual(fx.specs.map((s) => s.name));
        const again = await fetch(`${base}/models/tiny/versions/2/model.json`, {
            headers: { 'if-none-match': etag },
        });
        expect(again.status).toBe(304);
        const shard = await fetch(new URL(manifest.paths[0], `${base}/models/tiny/versions/2/model.json`));
        expect(shard.status).toBe(200);
        expect(shard.headers.get('access-control-allow-origin')).toBe('*');
        const floats = new Float32Array(await shard.arrayBuffer());
        expectClose(floats, fx.weights[2].flatMap((t) => Array.from(t)));
        const preflight = await fetch(`${base}/models/tiny/versions/2/model.json`, {
            method: 'OPTIONS',
            headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' },
        });
        expect(preflight.status).toBe(204);
        expect(preflight.headers.get('access-control-allow-methods')).toContain('GET');
        expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
        const missing = await fetch(`${base}/models/tiny/versions/99/model.json`);
        expect(missing.status).toBe(404);
        expect(missing.headers.get('access-control-allow-origin')).toBe('*');
        expect((await missing.json()).code).toBe('FEDERA_ERR_SERVING_VERSION_NOT_FOUND');
    });
});
//# sourceMappingURL=artifacts.test.js.map