import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Fixture, ROWS, createFixture, expectClose, startApp } from './fixture.js';

describe('batch jobs', () => {
  let fx: Fixture;
  beforeEach(async () => {
    fx = await createFixture(3);
  });
  afterEach(async () => {
    await fx.close();
  });

  const rows = Array.from({ length: 25 }, (_, i) => ROWS[i % ROWS.length]!.map((x) => x + i / 10));

  it('NDJSON and CSV jobs: submit, poll, download predictions in input order', async () => {
    const { app } = await startApp(fx, { jobs: { chunkRows: 4 } });
    try {
      const ndjson = await app.inject({
        method: 'POST',
        url: '/v1/models/tiny/jobs?version=1',
        headers: { 'content-type': 'application/x-ndjson' },
        payload: rows.map((r, i) => JSON.stringify(i % 2 ? r : { instance: r })).join('\n'),
      });
      expect(ndjson.statusCode, ndjson.body).toBe(202);
      expect(ndjson.json()).toMatchObject({ model: 'tiny', version: 1, total: 25 });
      const csv = await app.inject({
        method: 'POST',
        url: '/v1/models/tiny/jobs',
        headers: { 'content-type': 'text/csv' },
        payload: `${rows.map((r) => r.join(',')).join('\r\n')}\r\n`,
      });
      expect(csv.statusCode, csv.body).toBe(202);
      expect(csv.json().version).toBe(2);

      await app.serving.jobs.settled();
      for (const [job, version] of [
        [ndjson.json().id, 1],
        [csv.json().id, 2],
      ] as const) {
        const status = await app.inject(`/v1/jobs/${job}`);
        expect(status.json()).toMatchObject({ status: 'succeeded', processed: 25, total: 25 });
        const out = await app.inject(`/v1/jobs/${job}/predictions`);
        expect(out.headers['content-type']).toContain('application/x-ndjson');
        const predictions = out.body
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as number[]);
        expectClose(predictions.flat(), (await fx.reference(version, rows)).flat());
      }
    } finally {
      await app.close();
    }
  });

  it('malformed input, unknown jobs and unfinished jobs get typed errors', async () => {
    const { app } = await startApp(fx, { jobs: { process: false } });
    try {
      const bad = await app.inject({
        method: 'POST',
        url: '/v1/models/tiny/jobs',
        headers: { 'content-type': 'text/csv' },
        payload: '1,2,3,4\n1,2,x,4\n',
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().code).toBe('FEDERA_ERR_SERVING_JOB_INPUT');
      const media = await app.inject({ method: 'POST', url: '/v1/models/tiny/jobs', payload: { rows } });
      expect(media.json().code).toBe('FEDERA_ERR_SERVING_UNSUPPORTED_MEDIA');
      const missing = await app.inject('/v1/jobs/00000000-0000-4000-8000-000000000000');
      expect(missing.json().code).toBe('FEDERA_ERR_SERVING_JOB_NOT_FOUND');
      const queued = await app.inject({
        method: 'POST',
        url: '/v1/models/tiny/jobs',
        headers: { 'content-type': 'text/csv' },
        payload: '1,2,3,4\n',
      });
      const early = await app.inject(`/v1/jobs/${queued.json().id}/predictions`);
      expect(early.statusCode).toBe(409);
      expect(early.json()).toMatchObject({ code: 'FEDERA_ERR_SERVING_JOB_NOT_DONE', retryable: true });
    } finally {
      await app.close();
    }
  });

  it('a job persisted by one server process is resumed and finished by the next', async () => {
    const first = await startApp(fx, { jobs: { process: false, chunkRows: 4 } });
    const submitted = await first.app.inject({
      method: 'POST',
      url: '/v1/models/tiny/jobs?version=2',
      headers: { 'content-type': 'text/csv' },
      payload: rows.map((r) => r.join(',')).join('\n'),
    });
    const id = submitted.json().id as string;
    expect((await first.app.inject(`/v1/jobs/${id}`)).json().status).toBe('queued');
    await first.app.close();

    const second = await startApp(fx);
    try {
      await second.app.serving.jobs.settled();
      expect((await second.app.inject(`/v1/jobs/${id}`)).json()).toMatchObject({
        status: 'succeeded',
        processed: 25,
      });
      const out = await second.app.inject(`/v1/jobs/${id}/predictions`);
      const predictions = out.body
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as number[]);
      expectClose(predictions.flat(), (await fx.reference(2, rows)).flat());
    } finally {
      await second.app.close();
    }
  });
});
