export { type OpenapiOptions, openapiPlugin } from './openapi-plugin.js';
