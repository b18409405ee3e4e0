/** Which storage a `database` setting names, and that setting as it may be shown: a PostgreSQL URL with its password masked. */

/** `postgres://…` or `postgresql://…` selects PostgreSQL; anything else is a SQLite file path or `:memory:`. */
export function isPostgresUrl(database: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(database);
}

/** The URL's password (percent-decoded), if it has one: registered with the redactor so no log line shows it. */
export function databasePassword(url: string): string | undefined {
  try {
    const password = new URL(url).password;
    return password === '' ? undefined : decodeURIComponent(password);
  } catch {
    return undefined;
  }
}

/** The setting as it may appear in a log line, an error or a banner: a URL's password (and any `password=` parameter) masked. */
export function displayDatabase(database: string): string {
  if (!isPostgresUrl(database)) return database;
  try {
    const url = new URL(database);
    if (url.password !== '') url.password = '••••';
    for (const key of [...url.searchParams.keys()]) if (/pass/i.test(key)) url.searchParams.set(key, '••••');
    return url.toString();
  } catch {
    // Unparsable: show its scheme and host part only, never what could be a password.
    return database.replace(/\/\/[^@/]*@/, '//••••@').replace(/\?.*$/, '');
  }
}
