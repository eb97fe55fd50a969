// Public API of the sampling area (client selection, seeded simulation randomness).
export { samplingErrors } from './errors.js';
export { seededRandom } from './prng.js';
export { sampleClients } from './sample-clients.js';
export type { SampleOptions } from './sample-clients.js';
