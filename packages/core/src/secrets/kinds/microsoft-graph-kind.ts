/** `microsoft-graph`: client credentials for the Microsoft identity platform, form encoded with a plain scope by default. */
import { field, type SecretKind } from '../secret-kind.js';

export const microsoftGraphKind: SecretKind = {
  id: 'microsoft-graph',
  label: 'Microsoft Graph REST API v1.0',
  description: 'An app registration in Microsoft Entra ID using the client-credentials flow.',
  fields: [
    {
      name: 'url',
      label: 'Token URL',
      type: 'url',
      required: true,
      sensitive: false,
      destination: true,
      help: 'https://login.microsoftonline.com/<tenant id>/oauth2/v2.0/token',
    },
    { name: 'grantType', label: 'Grant type', type: 'text', required: true, sensitive: false, default: 'client_credentials' },
    {
      name: 'scope',
      label: 'Scope',
      type: 'text',
      required: false,
      sensitive: false,
      default: 'https://graph.microsoft.com/.default',
      help: 'Sent exactly as typed (plain), e.g. https://graph.microsoft.com/.default. Unlike the General kind, no tuple wrapping is applied.',
    },
    { name: 'clientId', label: 'Client ID', type: 'text', required: true, sensitive: false, help: 'The application (client) ID of the app registration.' },
    { name: 'clientSecret', label: 'Client secret', type: 'text', required: true, sensitive: true, help: 'The secret value (not its ID) from Certificates & secrets.' },
  ],
  // Microsoft's token endpoint only accepts application/x-www-form-urlencoded.
  defaults: { encoding: 'form', scopeFormat: 'plain' },
  lifetime: { requireExpiresIn: true },
  bodyParameters(params, scope) {
    const body: Record<string, string> = {
      client_id: field(params, 'clientId'),
      client_secret: field(params, 'clientSecret'),
    };
    if (scope !== undefined) body.scope = scope;
    body.grant_type = field(params, 'grantType');
    return body;
  },
};
