/** The version the server reports in `/healthz` and the OpenAPI document. */
export const SERVER_VERSION = '0.1.0';
