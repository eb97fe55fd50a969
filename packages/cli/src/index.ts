export { runSimulation } from './sim/simulate.js';
export {
  SIMULATION_HEAP_GROWING_PERCENT,
  SIMULATION_INLINING_BUDGET,
  TRAINING_THREAD_OLD_SPACE_MB,
  cheapenSimulationCompiles,
  growSimulationHeaps,
  sizeTrainingThreadHeaps,
  tuneV8ForSimulation,
} from './sim/simulation-v8.js';
export { EVALUATION_STEP_MS, StepPace, evaluateOn } from './sim/evaluator.js';
export type { SimulationOptions, SimulationResult } from './sim/simulate.js';
export { loadCharCorpus, loadMnist, selectRows } from './data/index.js';
export type { CharCorpus, LabelledData } from './data/index.js';
export { mnist2nnTopology } from './models/mnist-2nn.js';
export { mnistCnnTopology, mnistMobileNetTopology } from './models/mnist-cnn.js';
export { charLstmTopology } from './models/char-lstm.js';
export { SIM_MODELS, type SimModel, type SimModelName, simModel } from './models/presets.js';
export { tabularTopology } from '@federa/server';
