/** `general`: a username and password exchanged at a token URL, JSON body with the legacy tuple scope by default. */
import { field, type SecretKind } from '../secret-kind.js';

export const generalKind: SecretKind = {
  id: 'general',
  label: 'General – username and password',
  description: 'Any token endpoint that takes a username and password (OAuth2 password grant).',
  fields: [
    { name: 'url', label: 'Token URL', type: 'url', required: true, sensitive: false, destination: true, help: 'The URL the credentials are POSTed to, e.g. https://auth.example.com/oauth/token.' },
    { name: 'grantType', label: 'Grant type', type: 'text', required: true, sensitive: false, default: 'password' },
    {
      name: 'scope',
      label: 'Scope',
      type: 'text',
      required: false,
      sensitive: false,
      help: "Comma-separated, as the endpoint documents it (read,write). It is sent as a one-element tuple string, ('read,write',), which existing endpoints of this kind expect; set scopeFormat to 'plain' or 'space' to change that.",
    },
    { name: 'username', label: 'Username', type: 'text', required: true, sensitive: false },
    { name: 'password', label: 'Password', type: 'text', required: true, sensitive: true },
  ],
  defaults: { encoding: 'json', scopeFormat: 'tuple' },
  lifetime: { requireExpiresIn: true },
  bodyParameters(params, scope) {
    const body: Record<string, string> = {
      username: field(params, 'username'),
      password: field(params, 'password'),
      grant_type: field(params, 'grantType'),
    };
    if (scope !== undefined) body.scope = scope;
    return body;
  },
};
