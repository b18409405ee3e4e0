/**
 * Salesforce on jsforce: the connector keeps a `salesforce` secret from its config and hands back a
 * jsforce `Connection` whose `refreshFn` invalidates and re-fetches through the TokenProvider, so an
 * INVALID_SESSION_ID is survived transparently.
 */
import jsforce, { type Connection } from 'jsforce';
import { z } from 'zod';
import { TesseraError, TokenRequestError, type TokenProvider } from '@tessera/core';
import { defineConnector } from '../framework/connector-definition.js';
import { FLOW_FIELDS, FLOW_LABELS, SALESFORCE_FLOWS } from './salesforce-flows.js';
import { DEFAULT_SESSION_SECONDS, salesforceKind } from './salesforce-kind.js';

export const salesforceConfigSchema = z
  .object({
    flow: z.enum(SALESFORCE_FLOWS).default('password'),
    /** Login URL, or the My Domain URL for the client-credentials flow. */
    loginUrl: z.url().default('https://login.salesforce.com'),
    clientId: z.string().min(1, 'clientId (the consumer key) is required'),
    clientSecret: z.string().min(1).optional(),
    username: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    securityToken: z.string().optional(),
    privateKey: z.string().min(1).optional(),
    apiVersion: z.string().regex(/^\d+\.\d$/, 'apiVersion looks like 62.0').default('62.0'),
    sessionLifetimeSeconds: z.number().int().positive().default(DEFAULT_SESSION_SECONDS),
  })
  .strict()
  .superRefine((config, context) => {
    for (const name of FLOW_FIELDS[config.flow]) {
      if (config[name as keyof typeof config] === undefined) context.addIssue({ code: 'custom', path: [name], message: `${name} is required for the ${FLOW_LABELS[config.flow]}` });
    }
  });

export type SalesforceConfig = z.infer<typeof salesforceConfigSchema>;
/** What product code passes to `connect('salesforce', …)`: defaults may be left out. */
export type SalesforceConfigInput = z.input<typeof salesforceConfigSchema>;

export const salesforceConnector = defineConnector<SalesforceConfig, Connection>({
  id: 'salesforce',
  displayName: 'Salesforce',
  configSchema: salesforceConfigSchema as z.ZodType<SalesforceConfig>,
  secretKinds: [salesforceKind],
  toSecret: (config) => {
    const loginUrl = config.loginUrl.replace(/\/+$/, '');
    const params: Record<string, unknown> = {
      flow: config.flow,
      url: `${loginUrl}/services/oauth2/token`,
      clientId: config.clientId,
      defaultLifetimeSeconds: config.sessionLifetimeSeconds,
    };
    for (const name of ['clientSecret', 'username', 'password', 'securityToken', 'privateKey'] as const) if (config[name]) params[name] = config[name];
    if (config.flow === 'jwt-bearer') params.audience = loginUrl;
    return { kind: 'salesforce', params };
  },
  // Disconnecting logs the session out at Salesforce too, when one is cached.
  revoke: async ({ secretId, tokens, http }) => {
    const token = tokens.peek(secretId);
    const instanceUrl = token?.metadata.instance_url;
    if (!token || typeof instanceUrl !== 'string') return;
    await http.createAxios().post(`${instanceUrl}/services/oauth2/revoke`, new URLSearchParams({ token: token.accessToken }).toString(), {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    tokens.invalidate(secretId, token.accessToken);
  },
  createClient: async ({ secretId, tokens, config }) => {
    const token = await signIn(tokens, secretId, config);
    const instanceUrl = token.metadata.instance_url;
    if (typeof instanceUrl !== 'string') {
      throw new TesseraError('salesforce-no-instance-url', `Salesforce signed in with the ${FLOW_LABELS[config.flow]} but sent no instance_url; check the token URL.`);
    }
    return new jsforce.Connection({
      instanceUrl,
      accessToken: token.accessToken,
      version: config.apiVersion,
      // jsforce calls this on INVALID_SESSION_ID: drop exactly the session it used, fetch the next one
      // through the TokenProvider (single flight: one request however many calls failed).
      refreshFn: (connection, callback) => {
        if (connection.accessToken) tokens.invalidate(secretId, connection.accessToken);
        signIn(tokens, secretId, config).then(
          (fresh) => callback(null, fresh.accessToken),
          (error: Error) => callback(error),
        );
      },
    });
  },
});

async function signIn(tokens: TokenProvider, secretId: string, config: SalesforceConfig) {
  try {
    return await tokens.getToken(secretId);
  } catch (error) {
    if (!(error instanceof TokenRequestError)) throw error;
    const said = error.oauthError ? `Salesforce answered ${error.oauthError}${error.oauthErrorDescription ? `: ${error.oauthErrorDescription}` : ''}` : error.message;
    throw new TesseraError('salesforce-sign-in-failed', `Salesforce sign-in with the ${FLOW_LABELS[config.flow]} failed. ${said}. Check the connector's credentials.`, {
      cause: error,
      details: { flow: config.flow, oauthError: error.oauthError, status: error.status },
    });
  }
}
