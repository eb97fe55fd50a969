// Datasets for simulations and examples (Node-only).
export { loadMnist } from './mnist.js';
export { loadFullMnist } from './mnist-full.js';
export { selectRows } from './labelled.js';
export type { LabelledData } from './labelled.js';
export { type CharCorpus, loadCharCorpus } from './text.js';
export { type SimDataSource, loadSimData } from './sim-data.js';
