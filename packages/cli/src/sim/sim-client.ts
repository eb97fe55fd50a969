import { FederaClient, type Trainer, trainLocally } from '@federa/client';
import type { LabelledData } from '../data/index.js';
import { signFlipTrainer } from './byzantine.js';

/** One simulated hospital: its id, its share of the data, and whether it attacks. */
export interface SimClientSpec {
  clientId: string;
  data: LabelledData;
  attacker: boolean;
}

/**
 * A real {@link FederaClient} for a simulated hospital, on whatever thread builds it (the
 * coordinator's with `--workers 0`, else a client host worker). `trainer` wraps the local training,
 * e.g. to let one thread's clients train one at a time.
 */
export function simClient(
  url: string,
  runId: string,
  spec: SimClientSpec,
  trainer: (t: Trainer) => Trainer = (t) => t,
): FederaClient {
  const { x, y, n, features, classes } = spec.data;
  return new FederaClient({
    url,
    clientId: spec.clientId,
    runs: [runId],
    data: { x, y, n, featureShape: [features], numClasses: classes },
    trainer: trainer(spec.attacker ? signFlipTrainer(10, trainLocally) : trainLocally),
  });
}
