import {
  type FeatureSummary,
  type StrategyState,
  type TabularTransform,
  type TensorSpec,
  type Weights,
  nullRecord,
} from '@federa/core';
import { hashWeights } from '@federa/protocol';
import { Level } from 'level';
import { serverErrors } from '../errors.js';
import { SerialLock, assertCommitFollows } from '../recovery/commit-guard.js';
import type { RoundRecord, RunRecord, VersionRecord } from '../runs/run-types.js';
import { packWeights, unpackWeights } from './pack.js';

type Db = Level<string, unknown>;
/** The slice of a level sublevel this store uses, typed by value. */
interface Sub<V> {
  get(key: string): Promise<V | undefined>;
  put(key: string, value: V): Promise<void>;
  values(range?: { gt: string; lt: string }): { all(): Promise<V[]> };
}

const versionKey = (runId: string, version: number) => `${runId}!${String(version).padStart(10, '0')}`;
const prefixRange = (runId: string) => ({ gt: `${runId}!`, lt: `${runId}!~` });

/**
 * A run's federated feature statistics once its quorum reported (`features` sublevel): the summed
 * summary and the transform every version of the run is trained and served with.
 */
export interface RunFeatures {
  summary: FeatureSummary;
  transform: TabularTransform;
  reporters: number;
  frozenAt: number;
}

/** Everything a round commit writes, applied as one level batch. */
export interface RoundCommit {
  run: RunRecord;
  version: VersionRecord;
  weights: Weights;
  round: RoundRecord;
  strategyState: StrategyState;
}

/**
 * The coordinator's persistent state over level: one sublevel each for runs,
 * rounds, version metadata, weights and strategy state. Every round commit is
 * a single atomic batch, so a crash never leaves a half-written version.
 *
 * @example
 * const store = await FederaStore.open('./.federa/store');
 * const run = await store.getRun('mnist');
 */
export class FederaStore {
  private readonly runs: Sub<RunRecord>;
  private readonly rounds: Sub<RoundRecord>;
  private readonly versions: Sub<VersionRecord>;
  private readonly weights: Sub<Uint8Array>;
  private readonly state: Sub<Uint8Array>;
  private readonly features: Sub<RunFeatures>;
  private readonly commitLock = new SerialLock();

  private constructor(readonly db: Db) {
    const sub = <V>(name: string, valueEncoding: 'json' | 'view') =>
      db.sublevel<string, V>(name, { valueEncoding }) as unknown as Sub<V>;
    this.runs = sub('runs', 'json');
    this.rounds = sub('rounds', 'json');
    this.versions = sub('versions', 'json');
    this.weights = sub('weights', 'view');
    this.state = sub('strategy-state', 'view');
    this.features = sub('features', 'json');
  }

  /** Open (creating if needed) the store at a directory. */
  static async open(location: string): Promise<FederaStore> {
    const db = new Level<string, unknown>(location, { valueEncoding: 'json' });
    await db.open();
    return new FederaStore(db);
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  getRun(id: string): Promise<RunRecord | undefined> {
    return this.runs.get(id);
  }

  async putRun(run: RunRecord): Promise<void> {
    await this.runs.put(run.settings.id, run);
  }

  listRuns(): Promise<RunRecord[]> {
    return this.runs.values().all();
  }

  /** Create a run together with its initial version 0, atomically. */
  async createRun(run: RunRecord, version0: VersionRecord, weights: Weights): Promise<void> {
    await this.db.batch([
      { type: 'put', sublevel: this.runs, key: run.settings.id, value: run },
      { type: 'put', sublevel: this.versions, key: versionKey(run.settings.id, 0), value: version0 },
      {
        type: 'put',
        sublevel: this.weights,
        key: versionKey(run.settings.id, 0),
        value: packWeights(weights),
      },
    ] as never);
  }

  /**
   * Commit a round: new version, its weights, the round record, run progress and strategy state in one batch.
   * Refuses (FEDERA_ERR_STORE_ROUND_CONFLICT) a round that is not the stored run's next one.
   */
  async commitRound(c: RoundCommit): Promise<void> {
    const id = c.run.settings.id;
    const key = versionKey(id, c.version.version);
    // Check and batch under one lock: no round is ever committed twice.
    await this.commitLock.run(async () => {
      assertCommitFollows(await this.getRun(id), c);
      await this.db.batch([
        { type: 'put', sublevel: this.versions, key, value: c.version },
        { type: 'put', sublevel: this.weights, key, value: packWeights(c.weights) },
        { type: 'put', sublevel: this.rounds, key: versionKey(id, c.round.round), value: c.round },
        { type: 'put', sublevel: this.state, key: id, value: packState(c.strategyState) },
        { type: 'put', sublevel: this.runs, key: id, value: c.run },
      ] as never);
    });
  }

  /** The run's frozen feature statistics and transform, if its quorum reported. */
  getFeatures(runId: string): Promise<RunFeatures | undefined> {
    return this.features.get(runId);
  }

  async putFeatures(runId: string, features: RunFeatures): Promise<void> {
    await this.features.put(runId, features);
  }

  getVersion(runId: string, version: number): Promise<VersionRecord | undefined> {
    return this.versions.get(versionKey(runId, version));
  }

  listVersions(runId: string): Promise<VersionRecord[]> {
    return this.versions.values(prefixRange(runId)).all();
  }

  listRounds(runId: string): Promise<RoundRecord[]> {
    return this.rounds.values(prefixRange(runId)).all();
  }

  /** A version's weights, verified against its recorded hash. */
  async getWeights(runId: string, version: number, specs: readonly TensorSpec[]): Promise<Weights> {
    const meta = await this.getVersion(runId, version);
    const bytes = await this.weights.get(versionKey(runId, version));
    if (!meta || !bytes) throw serverErrors.create('FEDERA_ERR_VERSION_NOT_FOUND', `${runId} v${version}`);
    const weights = unpackWeights(bytes, specs);
    if (!weights || (await hashWeights(specs, weights)) !== meta.hash) {
      throw serverErrors.create('FEDERA_ERR_STORE_CORRUPT', `${runId} v${version}`);
    }
    return weights;
  }

  /** The strategy's server-side state after the last committed round (empty before the first). */
  async getStrategyState(runId: string, specs: readonly TensorSpec[]): Promise<StrategyState> {
    const bytes = await this.state.get(runId);
    return bytes ? unpackState(bytes, specs) : {};
  }
}

// Strategy state: a JSON header with the entry names, then each entry's packed weights.
function packState(state: StrategyState): Uint8Array {
  const names = Object.keys(state).sort();
  const header = new TextEncoder().encode(JSON.stringify(names));
  const bodies = names.map((n) => packWeights(state[n]!));
  const out = new Uint8Array(4 + header.length + bodies.reduce((s, b) => s + b.length, 0));
  new DataView(out.buffer).setUint32(0, header.length, true);
  out.set(header, 4);
  let offset = 4 + header.length;
  for (const b of bodies) {
    out.set(b, offset);
    offset += b.length;
  }
  return out;
}

function unpackState(bytes: Uint8Array, specs: readonly TensorSpec[]): StrategyState {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, true);
  const names = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength))) as string[];
  const body = bytes.subarray(4 + headerLength);
  const each = names.length === 0 ? 0 : body.length / names.length;
  const state: StrategyState = nullRecord();
  names.forEach((name, i) => {
    const w = unpackWeights(body.subarray(i * each, (i + 1) * each), specs);
    if (!w) throw serverErrors.create('FEDERA_ERR_STORE_CORRUPT', `strategy state ${name}`);
    state[name] = w;
  });
  return state;
}
