export { type CorsOptions, originMatcher } from './cors-options.js';
export { corsPlugin } from './cors-plugin.js';
export { socketCorsOptions, socketOriginCheck } from './socket-origin.js';
