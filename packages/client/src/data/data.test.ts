import { isFederaError } from '@federa/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type TabularTransform,
  encodeTable,
  idxDataset,
  mergeSummaries,
  parseCsv,
  parseIdx,
  parseNdjson,
  summarizeFeatures,
  tabularEncoder,
  transformFromSummary,
} from './index.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isFederaError(err) ? err.code : `not a FederaError: ${String(err)}`;
  }
  return undefined;
}

const CSV = 'age,sex,smoking,y\n40,F,never,0\n60,"M",current,1\r\n50,F,"for""mer",1\n';
const schema = { label: 'y', categorical: ['sex', 'smoking'] };
const inputNames = (t: TabularTransform) => tabularEncoder(t, (d) => new Error(d)).inputNames;
const numeric = (t: TabularTransform, name: string) => {
  const f = t.features.find((x) => x.name === name);
  if (f?.kind !== 'numeric') throw new Error(`${name} is not numeric`);
  return f;
};
const categories = (t: TabularTransform) =>
  t.features.flatMap((f) => (f.kind === 'categorical' ? [[f.name, f.categories]] : []));

describe('parseCsv', () => {
  it('parses quotes, doubled quotes and CRLF', () => {
    const t = parseCsv(CSV);
    expect(t.columns).toEqual(['age', 'sex', 'smoking', 'y']);
    expect(t.rows).toEqual([
      ['40', 'F', 'never', '0'],
      ['60', 'M', 'current', '1'],
      ['50', 'F', 'for"mer', '1'],
    ]);
  });
  it('rejects empty files, header-only files, ragged rows and open quotes with typed errors', () => {
    expect(codeOf(() => parseCsv(''))).toBe('FEDERA_ERR_DATA_EMPTY');
    expect(codeOf(() => parseCsv('a,b\n'))).toBe('FEDERA_ERR_DATA_EMPTY');
    expect(codeOf(() => parseCsv('a,b\n1,2\n3\n'))).toBe('FEDERA_ERR_DATA_MALFORMED');
    expect(codeOf(() => parseCsv('a,b\n1,"2\n'))).toBe('FEDERA_ERR_DATA_MALFORMED');
  });
});

describe('parseNdjson', () => {
  it('takes the union of keys and leaves absent keys blank', () => {
    const t = parseNdjson('{"a":1,"b":"x"}\n\n{"b":"y","c":true}\n');
    expect(t.columns).toEqual(['a', 'b', 'c']);
    expect(t.rows).toEqual([
      ['1', 'x', ''],
      ['', 'y', 'true'],
    ]);
  });
  it('rejects bad JSON, non-objects, nested values and empty input', () => {
    expect(codeOf(() => parseNdjson('{"a":1}\n{oops}\n'))).toBe('FEDERA_ERR_DATA_MALFORMED');
    expect(codeOf(() => parseNdjson('[1,2]\n'))).toBe('FEDERA_ERR_DATA_MALFORMED');
    expect(codeOf(() => parseNdjson('{"a":{"b":1}}\n'))).toBe('FEDERA_ERR_DATA_MALFORMED');
    expect(codeOf(() => parseNdjson('\n \n'))).toBe('FEDERA_ERR_DATA_EMPTY');
  });
});

describe('feature statistics and encoding', () => {
  it('standardises with the global mean/std and one-hots in global category order', () => {
    const t = parseCsv(CSV);
    const stats = transformFromSummary(summarizeFeatures(t, schema));
    expect(numeric(stats, 'age').mean).toBeCloseTo(50, 10);
    expect(numeric(stats, 'age').std).toBeCloseTo(Math.sqrt(200 / 3), 10);
    expect(stats.classes).toEqual(['0', '1']);
    expect(stats.label).toBe('y');
    expect(inputNames(stats)).toEqual([
      'age',
      'sex=F',
      'sex=M',
      'smoking=current',
      'smoking=for"mer',
      'smoking=never',
    ]);
    const d = encodeTable(t, stats);
    expect(d.featureShape).toEqual([6]);
    expect(Array.from(d.y)).toEqual([0, 1, 1]);
    expect(d.x[0]).toBeCloseTo(-10 / Math.sqrt(200 / 3), 5);
    expect(Array.from(d.x.subarray(7, 12))).toEqual([0, 1, 1, 0, 0]);
  });

  it('treats prototype names in a file as ordinary columns, categories and labels (issue 11 row 1)', () => {
    const t = parseCsv('constructor,toString,__proto__\n1,valueOf,constructor\n3,__proto__,hasOwnProperty\n');
    const s = { label: '__proto__', categorical: ['toString'] };
    const summary = mergeSummaries([summarizeFeatures(t, s), summarizeFeatures(t, s)]);
    expect(summary.numeric['constructor']).toEqual({ count: 4, sum: 8, sumSq: 20 });
    expect(Object.entries(summary.categorical['toString']!)).toEqual([
      ['valueOf', 2],
      ['__proto__', 2],
    ]);
    const stats = transformFromSummary(JSON.parse(JSON.stringify(summary)));
    expect(stats.classes).toEqual(['constructor', 'hasOwnProperty']);
    expect(inputNames(stats)).toEqual(['constructor', 'toString=__proto__', 'toString=valueOf']);
    expect(Array.from(encodeTable(t, stats).x)).toEqual([-1, 0, 1, 1, 1, 0]);
    expect(typeof Object.keys).toBe('function');
  });

  it('names the missing column and the non-numeric cell', () => {
    const t = parseCsv(CSV);
    expect(codeOf(() => summarizeFeatures(t, { label: 'outcome' }))).toBe('FEDERA_ERR_DATA_MISSING_COLUMN');
    expect(codeOf(() => summarizeFeatures(t, { label: 'y' }))).toBe('FEDERA_ERR_DATA_NOT_NUMERIC');
    expect(() => summarizeFeatures(t, { label: 'y', categorical: ['smoking'] })).toThrow(
      /column "sex" row 1/,
    );
    const stats = transformFromSummary(summarizeFeatures(parseCsv('a,y\n1,0\n'), { label: 'y' }));
    expect(codeOf(() => encodeTable(parseCsv('a,y\n1,2\n'), stats))).toBe('FEDERA_ERR_DATA_UNKNOWN_LABEL');
  });

  it('federated statistics from any split of the rows equal the pooled statistics', () => {
    const row = fc.tuple(
      fc.double({ min: -1e3, max: 1e3, noNaN: true }),
      fc.constantFrom('a', 'b', 'c'),
      fc.constantFrom('0', '1', '2'),
    );
    fc.assert(
      fc.property(
        fc.array(row, { minLength: 2, maxLength: 60 }),
        fc.integer({ min: 1, max: 5 }),
        (rows, k) => {
          const table = (rs: typeof rows) => ({
            columns: ['v', 'c', 'y'],
            rows: rs.map((r) => [String(r[0]), r[1], r[2]]),
          });
          const s = { label: 'y', categorical: ['c'] };
          const pooled = transformFromSummary(summarizeFeatures(table(rows), s));
          const parts = Array.from({ length: k }, (_, i) => rows.filter((_, j) => j % k === i)).filter(
            (p) => p.length,
          );
          const fed = transformFromSummary(mergeSummaries(parts.map((p) => summarizeFeatures(table(p), s))));
          expect(categories(fed)).toEqual(categories(pooled));
          expect(fed.classes).toEqual(pooled.classes);
          expect(numeric(fed, 'v').mean).toBeCloseTo(numeric(pooled, 'v').mean, 6);
          expect(Math.abs(numeric(fed, 'v').std - numeric(pooled, 'v').std)).toBeLessThan(
            1e-6 * (1 + numeric(pooled, 'v').std),
          );
        },
      ),
    );
  });
});

describe('parseIdx', () => {
  function idx(type: number, dims: number[], values: number[], width: number): Uint8Array {
    const bytes = new Uint8Array(4 + 4 * dims.length + values.length * width);
    const view = new DataView(bytes.buffer);
    bytes[2] = type;
    bytes[3] = dims.length;
    for (const [i, d] of dims.entries()) view.setUint32(4 + 4 * i, d, false);
    values.forEach((v, i) => {
      const at = 4 + 4 * dims.length + i * width;
      if (type === 0x08) view.setUint8(at, v);
      else if (type === 0x0d) view.setFloat32(at, v, false);
      else view.setInt32(at, v, false);
    });
    return bytes;
  }

  it('decodes big-endian unsigned bytes, int32 and float32 and builds an image dataset', () => {
    const images = parseIdx(idx(0x08, [2, 2, 2], [0, 255, 51, 0, 255, 255, 0, 0], 1));
    expect(images.dims).toEqual([2, 2, 2]);
    const labels = parseIdx(idx(0x0c, [2], [7, 3], 4));
    expect(Array.from(labels.data)).toEqual([7, 3]);
    expect(Array.from(parseIdx(idx(0x0d, [1], [1.5], 4)).data)).toEqual([1.5]);
    const d = idxDataset(images, labels, 10);
    expect(d.featureShape).toEqual([2, 2]);
    expect(Array.from(d.x.subarray(0, 3))).toEqual([0, 1, Math.fround(0.2)]);
    expect(d.numClasses).toBe(10);
    expect(idxDataset(images, labels, 10, { flatten: true }).featureShape).toEqual([4]);
  });

  it('rejects a bad magic number, truncated data and label/image count mismatches', () => {
    expect(codeOf(() => parseIdx(new Uint8Array([1, 0, 8, 1, 0, 0, 0, 1, 0])))).toBe(
      'FEDERA_ERR_DATA_MALFORMED',
    );
    expect(codeOf(() => parseIdx(idx(0x08, [3], [1, 2, 3], 1).subarray(0, 9)))).toBe(
      'FEDERA_ERR_DATA_MALFORMED',
    );
    expect(codeOf(() => parseIdx(idx(0x08, [0], [], 1)))).toBe('FEDERA_ERR_DATA_EMPTY');
    const images = parseIdx(idx(0x08, [2, 1], [1, 2], 1));
    expect(codeOf(() => idxDataset(images, parseIdx(idx(0x08, [3], [0, 1, 2], 1))))).toBe(
      'FEDERA_ERR_DATA_MALFORMED',
    );
  });
});
