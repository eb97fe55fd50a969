// Public API of the dp area; owned by its author, re-exported from ../index.ts.
export { PrivacyAccountant } from './accountant.js';
export type { PrivacyAccountantJson, PrivacyAccountantOptions } from './accountant.js';
export { nextClipNorm, updateNoiseMultiplier } from './adaptive-clip.js';
export type { AdaptiveClipRule } from './adaptive-clip.js';
export { DP_CLIP_STATE_KEY, DP_UNCLIPPED_METRIC, clipFromState, withCentralDp } from './central.js';
export { clipToNorm } from './clip.js';
export type { ClipResult } from './clip.js';
export { resolveDpConfig } from './config.js';
export type { AdaptiveClipConfig, DpConfig, ResolvedDpConfig } from './config.js';
export { epsilonAtOrder, epsilonFromRdp } from './conversion.js';
export type { RdpConversion } from './conversion.js';
export { cryptoUniforms, gaussianNoise } from './gaussian.js';
export type { UniformSource } from './gaussian.js';
export { DEFAULT_RDP_ORDERS, sampledGaussianRdp } from './rdp.js';
