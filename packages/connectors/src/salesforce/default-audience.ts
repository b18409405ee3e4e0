/**
 * The `aud` of a JWT bearer assertion when none is set, from the login URL, as Salesforce documents it:
 * https://test.salesforce.com for a sandbox (test.salesforce.com, or a sandbox My Domain), otherwise
 * https://login.salesforce.com for production and My Domain URLs, and the site's own origin for
 * anything else (an Experience Cloud site).
 */
export function defaultAudience(loginUrl: string): string {
  const { host, origin } = new URL(loginUrl);
  const name = host.toLowerCase();
  if (name === 'test.salesforce.com' || name.endsWith('.sandbox.my.salesforce.com')) return 'https://test.salesforce.com';
  if (name === 'salesforce.com' || name.endsWith('.salesforce.com')) return 'https://login.salesforce.com';
  return origin;
}
