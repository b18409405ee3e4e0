/**
 * Salesforce on jsforce: the connector keeps a `salesforce` secret from its config and hands back a
 * jsforce `Connection` whose `refreshFn` invalidates and re-fetches through the TokenProvider, so an
 * INVALID_SESSION_ID is survived transparently, and whose requests all pass the SSRF guard.
 */
import type { Connection } from 'jsforce';
import { z } from 'zod';
import { TesseraError, TokenRequestError, lazily, type TokenProvider } from '@tessera/core';
import { defineConnector } from '../framework/connector-definition.js';
import { defaultAudience } from './default-audience.js';
import { FLOW_ALIASES, FLOW_FIELDS, FLOW_LABELS, SALESFORCE_FLOWS, type SalesforceFlow } from './salesforce-flows.js';
import { DEFAULT_SESSION_SECONDS, salesforceKind } from './salesforce-kind.js';

/** The connector's config schema, built the first time it is needed (the connector's `configSchema`, or `salesforceConfigSchema`). */
const salesforceConfig = lazily(() =>
  z
    .object({
      /** The flow, by Tessera's name or OAuth's (`client_credentials`, `urn:ietf:params:oauth:grant-type:jwt-bearer`). */
      flow: z
        .enum([...SALESFORCE_FLOWS, ...(Object.keys(FLOW_ALIASES) as Array<keyof typeof FLOW_ALIASES>)])
        .default('password')
        .transform((flow): SalesforceFlow => (flow in FLOW_ALIASES ? FLOW_ALIASES[flow as keyof typeof FLOW_ALIASES] : (flow as SalesforceFlow))),
      /** Login URL (default https://login.salesforce.com); required, as the My Domain URL, for the client-credentials flow. */
      loginUrl: z.url().optional(),
      clientId: z.string().min(1, 'clientId (the consumer key) is required'),
      clientSecret: z.string().min(1).optional(),
      username: z.string().min(1).optional(),
      password: z.string().min(1).optional(),
      securityToken: z.string().optional(),
      privateKey: z.string().min(1).optional(),
      /**
       * JWT bearer flow: https://login.salesforce.com, https://test.salesforce.com for sandboxes, or an
       * Experience Cloud site URL; by default the one Salesforce expects for the login URL (`defaultAudience`).
       */
      audience: z.url().optional(),
      apiVersion: z.string().regex(/^\d+\.\d$/, 'apiVersion looks like 62.0').default('62.0'),
      sessionLifetimeSeconds: z.number().int().positive().default(DEFAULT_SESSION_SECONDS),
    })
    .strict()
    .superRefine((config, context) => {
      for (const name of FLOW_FIELDS[config.flow]) {
        if (config[name as keyof typeof config] === undefined) context.addIssue({ code: 'custom', path: [name], message: `${name} is required for the ${FLOW_LABELS[config.flow]}` });
      }
      if (config.flow === 'client-credentials' && config.loginUrl === undefined) {
        context.addIssue({ code: 'custom', path: ['loginUrl'], message: 'loginUrl is required for the client-credentials flow: your My Domain URL, e.g. https://acme.my.salesforce.com' });
      }
    }),
);

// Pure: a bundle that never reads it (the CLI's) leaves it out, so a CLI command builds no schema as it loads.
export const salesforceConfigSchema = /* @__PURE__ */ salesforceConfig();

/** A session Salesforce rejects again this soon after it was issued is not refreshed once more: something else is wrong. */
const REFRESH_GRACE_MS = 5_000;
/**
 * However the rejected sessions came (its own, or handed over by another connection's refresh), a
 * connection obtains a session by refresh at most this often within REFRESH_GRACE_MS, so connections sharing a secret
 * cannot hand each other rejected sessions for ever. Recovering from a revocation takes two at most.
 */
const MAX_REFRESHES_IN_GRACE = 3;

export type SalesforceConfig = z.infer<typeof salesforceConfigSchema>;
/** What product code passes to `connect('salesforce', …)`: defaults may be left out. */
export type SalesforceConfigInput = z.input<typeof salesforceConfigSchema>;

export const salesforceConnector = defineConnector<SalesforceConfig, Connection>({
  id: 'salesforce',
  displayName: 'Salesforce',
  get configSchema() {
    return salesforceConfig() as z.ZodType<SalesforceConfig>;
  },
  secretKinds: [salesforceKind],
  toSecret: (config) => {
    const loginUrl = (config.loginUrl ?? 'https://login.salesforce.com').replace(/\/+$/, '');
    const params: Record<string, unknown> = {
      flow: config.flow,
      url: `${loginUrl}/services/oauth2/token`,
      clientId: config.clientId,
      defaultLifetimeSeconds: config.sessionLifetimeSeconds,
    };
    for (const name of ['clientSecret', 'username', 'password', 'securityToken', 'privateKey'] as const) if (config[name]) params[name] = config[name];
    if (config.flow === 'jwt-bearer') params.audience = config.audience ?? defaultAudience(loginUrl);
    return { kind: 'salesforce', params };
  },
  // Disconnecting logs the session out at Salesforce too, when one is cached.
  revoke: async ({ http }, token) => {
    const instanceUrl = token.metadata.instance_url;
    if (typeof instanceUrl !== 'string') return;
    await http.createAxios().post(`${instanceUrl}/services/oauth2/revoke`, new URLSearchParams({ token: token.accessToken }).toString(), {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  },
  createClient: async ({ secretId, tokens, config, http, logger }) => {
    const token = await signIn(tokens, secretId, config);
    const instanceUrl = token.metadata.instance_url;
    if (typeof instanceUrl !== 'string' || !URL.canParse(instanceUrl)) {
      throw new TesseraError('salesforce-no-instance-url', `Salesforce signed in with the ${FLOW_LABELS[config.flow]} but sent no valid instance_url; check the token URL.`);
    }
    // Fails fast on an instance URL the SSRF guard refuses; every request after that is checked again
    // when it connects, through the guarded transport installed below.
    await http.assertAllowed(instanceUrl);
    // The session this connection's own refresh last obtained from a token request (not from the
    // cache), and when: the one whose rejection means "Salesforce refuses the sessions it issues".
    let issued: { accessToken: string; at: number } | undefined;
    let recentRefreshes: number[] = [];
    // jsforce is loaded by the first connection, not by every process that only knows the kind.
    const [{ default: jsforce }, { GuardedTransport }] = await Promise.all([import('jsforce'), import('./guarded-transport.js')]);
    const client = new jsforce.Connection({
      instanceUrl,
      accessToken: token.accessToken,
      version: config.apiVersion,
      // jsforce calls this on INVALID_SESSION_ID: drop exactly the session it used, fetch the next one
      // through the TokenProvider (single flight: one request however many calls failed).
      refreshFn: (connection, callback) => {
        const rejected = connection.accessToken || undefined;
        // Give up only when the rejected session is the one this refresh itself just had issued and no
        // other connection has replaced it since. A session handed out by the cache (another
        // connection's refresh) may have been revoked since: it is dropped and one more is requested.
        const now = Date.now();
        const justIssued = rejected !== undefined && rejected === issued?.accessToken && now - issued.at < REFRESH_GRACE_MS;
        recentRefreshes = recentRefreshes.filter((at) => now - at < REFRESH_GRACE_MS);
        if ((justIssued && tokens.peek(secretId)?.accessToken === rejected) || recentRefreshes.length >= MAX_REFRESHES_IN_GRACE) {
          callback(
            new TesseraError(
              'salesforce-session-rejected',
              "Salesforce rejected a session it had just issued. Check the integration user's permissions and the connected app's IP and session policies.",
            ),
          );
          return;
        }
        if (rejected !== undefined) tokens.invalidate(secretId, rejected);
        const cached = tokens.peek(secretId)?.accessToken;
        signIn(tokens, secretId, config).then(
          (fresh) => {
            // Only refreshes that produced a session count towards the cap: a failed sign-in reports its own error.
            recentRefreshes.push(now);
            issued = fresh.accessToken === cached ? undefined : { accessToken: fresh.accessToken, at: Date.now() };
            try {
              callback(null, fresh.accessToken);
            } catch (error) {
              // jsforce runs the connection's 'refresh' listeners inside the callback, before it settles the
              // refresh: one that throws (the product's bug) would leave every later call waiting for ever,
              // and end the process as an unhandled rejection. The call that refreshed fails instead.
              logger.error("a listener of the Salesforce connection's 'refresh' event threw", { error: (error as Error).message });
              callback(error as Error);
            }
          },
          (error: Error) => callback(error),
        );
      },
    });
    const transport = new GuardedTransport(http);
    client._transport = transport;
    client.oauth2._transport = transport;
    return client;
  },
});

async function signIn(tokens: TokenProvider, secretId: string, config: SalesforceConfig) {
  try {
    return await tokens.getToken(secretId);
  } catch (error) {
    if (!(error instanceof TokenRequestError)) throw error;
    const said = error.oauthError
      ? `Salesforce answered ${error.oauthError}${error.oauthErrorDescription ? `: ${error.oauthErrorDescription}` : ''}. Check the connector's credentials.`
      : error.message;
    throw new TesseraError('salesforce-sign-in-failed', `Salesforce sign-in with the ${FLOW_LABELS[config.flow]} failed. ${said}`, {
      cause: error,
      details: { flow: config.flow, oauthError: error.oauthError, status: error.status },
    });
  }
}
