/** The three OAuth flows Tessera signs in to Salesforce with, and which fields each one needs. */
export const SALESFORCE_FLOWS = ['password', 'client-credentials', 'jwt-bearer'] as const;
export type SalesforceFlow = (typeof SALESFORCE_FLOWS)[number];

export const FLOW_FIELDS: Record<SalesforceFlow, readonly string[]> = {
  password: ['clientId', 'clientSecret', 'username', 'password'],
  'client-credentials': ['clientId', 'clientSecret'],
  'jwt-bearer': ['clientId', 'username', 'privateKey'],
};

export const FLOW_LABELS: Record<SalesforceFlow, string> = {
  password: 'username-password flow',
  'client-credentials': 'client-credentials flow',
  'jwt-bearer': 'JWT bearer flow',
};

/** OAuth's own names of the flows (`grant_type`), taken as aliases. */
export const FLOW_ALIASES = {
  client_credentials: 'client-credentials',
  'urn:ietf:params:oauth:grant-type:jwt-bearer': 'jwt-bearer',
} as const satisfies Record<string, SalesforceFlow>;
