// A complete third connector, written only against Tessera's public API (docs/connectors.md shows
// this file verbatim, and test/connectors/guide-connector.test.ts runs it).
import type { AxiosInstance } from 'axios';
import { z } from 'zod';
import { field, type SecretKind } from '@tessera/core';
import { createBearerAxios, defineConnector } from '@tessera/connectors';

// 1. The kind of secret: its fields, declared once, and the token request they make.
export const acmeOrdersKind: SecretKind = {
  id: 'acme-orders',
  label: 'Acme Orders API',
  fields: [
    { name: 'url', label: 'Token URL', type: 'url', required: true, sensitive: false, destination: true },
    { name: 'clientId', label: 'Client ID', type: 'text', required: true, sensitive: false },
    { name: 'clientSecret', label: 'Client secret', type: 'text', required: true, sensitive: true },
  ],
  defaults: { encoding: 'form', scopeFormat: 'space' },
  lifetime: { requireExpiresIn: true },
  bodyParameters: (params, scope) => ({
    grant_type: 'client_credentials',
    client_id: field(params, 'clientId'),
    client_secret: field(params, 'clientSecret'),
    ...(scope !== undefined && { scope }),
  }),
};

// 2. The connector's configuration, validated before anything is stored.
const configSchema = z.object({
  baseUrl: z.url(),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
});
type AcmeConfig = z.infer<typeof configSchema>;

export interface Order {
  id: string;
  total: number;
}

// 3. The client product code gets: typed calls, tokens handled underneath.
export class AcmeOrdersClient {
  constructor(private readonly http: AxiosInstance) {}

  async listOrders(): Promise<Order[]> {
    return (await this.http.get<{ orders: Order[] }>('/orders')).data.orders;
  }

  async createOrder(total: number): Promise<Order> {
    return (await this.http.post<Order>('/orders', { total })).data;
  }
}

// 4. The connector: how config becomes a secret, and how a client is built from it.
export const acmeOrdersConnector = defineConnector<AcmeConfig, AcmeOrdersClient>({
  id: 'acme-orders',
  displayName: 'Acme Orders',
  configSchema,
  secretKinds: [acmeOrdersKind],
  toSecret: (config) => ({
    kind: 'acme-orders',
    params: { url: `${config.baseUrl}/oauth/token`, clientId: config.clientId, clientSecret: config.clientSecret },
  }),
  createClient: ({ http, tokens, secretId, config }) =>
    new AcmeOrdersClient(createBearerAxios(http, tokens, secretId, { baseURL: config.baseUrl })),
});
