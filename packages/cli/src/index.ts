export { runSimulation } from './sim/simulate.js';
export type { SimulationOptions, SimulationResult } from './sim/simulate.js';
export { loadMnist, selectRows } from './data/index.js';
export type { LabelledData } from './data/index.js';
export { mnist2nnTopology } from './models/mnist-2nn.js';
export { tabularTopology } from './models/tabular.js';
