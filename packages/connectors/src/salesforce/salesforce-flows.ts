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
