export { FederaClient } from './federa-client.js';
export * from './identity/index.js';
export type { ClientEvent, FederaClientOptions } from './federa-client.js';
export { checkDataset } from './dataset.js';
export type { LocalDataset } from './dataset.js';
export { trainLocally } from './trainer.js';
export { registerDilatedConvolutions, registerWasmTrainingKernels } from './kernels/index.js';
export type { Trainer, TrainingJob, TrainingResult } from './trainer.js';
export {
  type BackendInfo,
  type BackendOptions,
  describeBackend,
  fallbackMessage,
  initBackend,
  WASM_FILES,
  type WasmFileName,
  type WasmFlavour,
} from './backend.js';
export * from './data/index.js';
export { clientErrorCodes } from './error-codes.js';
export { gaveUpError, membershipErrors } from './membership-errors.js';
export { DEFAULT_RECONNECT_POLICY, type ReconnectPolicy } from './reconnect-policy.js';
export * from './evaluation/index.js';
export * from './secagg/index.js';
export { type LoadServedModelOptions, type ServedModel, loadServedModel } from './serving/served-model.js';
