export { type HttpsServerOptions, httpsOptions, type TlsOptions } from './https-options.js';
