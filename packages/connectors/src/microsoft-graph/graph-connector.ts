/** Microsoft Graph: client credentials through the `microsoft-graph` kind; the client is an axios instance on the Graph base URL. */
import type { AxiosInstance } from 'axios';
import { z } from 'zod';
import { lazily } from '@tessera/core';
import { createBearerAxios } from '../framework/bearer-axios.js';
import { defineConnector } from '../framework/connector-definition.js';

/** The connector's config schema, built the first time it is needed (the connector's `configSchema`, or `graphConfigSchema`). */
const graphConfig = lazily(() =>
  z
    .object({
      tenantId: z.string().min(1, 'tenantId is required (the directory id of the app registration)'),
      clientId: z.string().min(1, 'clientId is required'),
      clientSecret: z.string().min(1, 'clientSecret is required'),
      scope: z.string().min(1).default('https://graph.microsoft.com/.default'),
      baseUrl: z.url().default('https://graph.microsoft.com/v1.0'),
      /** Default: the Microsoft identity platform endpoint of the tenant. */
      tokenUrl: z.url().optional(),
    })
    .strict(),
);

// Pure: a bundle that never reads it (the CLI's) leaves it out, so a CLI command builds no schema as it loads.
export const graphConfigSchema = /* @__PURE__ */ graphConfig();

export type GraphConfig = z.infer<typeof graphConfigSchema>;
/** What product code passes to `connect('microsoft-graph', …)`: defaults may be left out. */
export type GraphConfigInput = z.input<typeof graphConfigSchema>;

export const graphConnector = defineConnector<GraphConfig, AxiosInstance>({
  id: 'microsoft-graph',
  displayName: 'Microsoft Graph',
  get configSchema() {
    return graphConfig() as z.ZodType<GraphConfig>;
  },
  toSecret: (config) => ({
    kind: 'microsoft-graph',
    params: {
      url: config.tokenUrl ?? `https://login.microsoftonline.com/${encodeURIComponent(config.tenantId)}/oauth2/v2.0/token`,
      grantType: 'client_credentials',
      scope: config.scope,
      clientId: config.clientId,
      clientSecret: config.clientSecret,
    },
  }),
  createClient: ({ http, tokens, secretId, config }) => createBearerAxios(http, tokens, secretId, { baseURL: config.baseUrl }),
});
