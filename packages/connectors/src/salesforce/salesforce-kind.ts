/** The `salesforce` secret kind: three flows, form-encoded; no `expires_in` comes back, so sessions last a declared lifetime. */
import { SecretParamsError, field, type SecretKind } from '@tessera/core';
import { FLOW_FIELDS, FLOW_LABELS, SALESFORCE_FLOWS, type SalesforceFlow } from './salesforce-flows.js';
import { readPrivateKey } from './read-private-key.js';
import { defaultAudience } from './default-audience.js';
import { signJwtAssertion } from './sign-jwt-assertion.js';

export const DEFAULT_SESSION_SECONDS = 7_200;

export const salesforceKind: SecretKind = {
  id: 'salesforce',
  label: 'Salesforce',
  description: 'A Salesforce connected app: username-password, client-credentials or JWT bearer flow.',
  fields: [
    { name: 'flow', label: 'Flow', type: 'select', required: true, sensitive: false, default: 'password', options: SALESFORCE_FLOWS },
    {
      name: 'url',
      label: 'Token URL',
      type: 'url',
      required: true,
      sensitive: false,
      destination: true,
      help: 'https://login.salesforce.com/services/oauth2/token, or your My Domain URL + /services/oauth2/token for the client-credentials flow.',
    },
    { name: 'clientId', label: 'Consumer key', type: 'text', required: true, sensitive: false },
    { name: 'clientSecret', label: 'Consumer secret', type: 'text', required: false, sensitive: true, help: 'Password and client-credentials flows.' },
    { name: 'username', label: 'Username', type: 'text', required: false, sensitive: false, help: 'Password and JWT bearer flows.' },
    { name: 'password', label: 'Password', type: 'text', required: false, sensitive: true, help: 'Password flow.' },
    { name: 'securityToken', label: 'Security token', type: 'text', required: false, sensitive: true, help: 'Password flow, appended to the password when the org requires it.' },
    { name: 'privateKey', label: 'Private key (PEM, PKCS#8)', type: 'text', required: false, sensitive: true, help: 'JWT bearer flow: the key whose certificate is on the connected app.' },
    {
      name: 'audience',
      label: 'Audience',
      type: 'url',
      required: false,
      sensitive: false,
      destination: true,
      help: 'JWT bearer flow. Left empty: https://test.salesforce.com when the token URL is a sandbox (test.salesforce.com or a sandbox My Domain), https://login.salesforce.com for production and My Domain URLs, else the token URL\'s origin (an Experience Cloud site).',
    },
  ],
  defaults: { encoding: 'form', scopeFormat: 'plain' },
  // Salesforce sends no expires_in; a session lasts the org's timeout, declared here (defaultLifetimeSeconds overrides).
  lifetime: { requireExpiresIn: false, defaultSeconds: DEFAULT_SESSION_SECONDS },
  validate(params) {
    const flow = field(params, 'flow') as SalesforceFlow;
    const issues: Array<{ field: string; message: string; code?: string }> = FLOW_FIELDS[flow]
      .filter((name) => field(params, name) === '')
      .map((name) => ({ field: name, message: `${name} is required for the ${FLOW_LABELS[flow]}` }));
    const pem = field(params, 'privateKey');
    if (pem !== '') {
      try {
        readPrivateKey(pem);
      } catch (error) {
        if (!(error instanceof SecretParamsError)) throw error;
        issues.push({ field: error.field, message: error.message, code: error.code });
      }
    }
    return issues;
  },
  async bodyParameters(params): Promise<Record<string, string>> {
    const flow = field(params, 'flow') as SalesforceFlow;
    const clientId = field(params, 'clientId');
    switch (flow) {
      case 'password':
        return {
          grant_type: 'password',
          client_id: clientId,
          client_secret: field(params, 'clientSecret'),
          username: field(params, 'username'),
          password: field(params, 'password') + field(params, 'securityToken'),
        };
      case 'client-credentials':
        return { grant_type: 'client_credentials', client_id: clientId, client_secret: field(params, 'clientSecret') };
      case 'jwt-bearer':
        return {
          grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
          assertion: await signJwtAssertion({
            clientId,
            username: field(params, 'username'),
            audience: field(params, 'audience') || defaultAudience(field(params, 'url')),
            privateKeyPem: field(params, 'privateKey'),
          }),
        };
    }
  },
};
