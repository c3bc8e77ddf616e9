// Which environment values are secret-looking, decided in main so that a masked value never
// reaches the renderer unless the user reveals it.

/** Names that usually hold credentials: DB_PASSWORD, API_KEY, GITHUB_TOKEN, AWS_SECRET_ACCESS_KEY, SENTRY_DSN… */
const SECRET_NAME = /pass(word|wd|phrase)?|secret|token|key|credential|auth|private|api_?key|dsn|connection_?string|cookie|session|salt|signature|cert/i;

/** scheme://user:password@host… (the password part is what matters). */
const URL_CREDENTIALS = /^([a-z][a-z0-9+.-]*:\/\/)([^:/@\s]*):([^@\s]+)@/i;

/** Names that match the pattern but hold no secret. */
const NOT_SECRET = /^(PATH|HOME|HOSTNAME|TERM|LANG|PWD|SHLVL|GPG_KEY)$/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !NOT_SECRET.test(name);
}

/** A URL with credentials, e.g. postgres://app:hunter2@db/app. */
export function hasUrlCredentials(value: string): boolean {
  return URL_CREDENTIALS.test(value.trim());
}

export interface MaskDecision {
  masked: boolean;
  /** For URLs: the value with the password replaced (safe to show). */
  preview?: string;
}

export function maskDecision(name: string, value: string, mask = '•••'): MaskDecision {
  const urlCreds = hasUrlCredentials(value);
  if (!isSecretName(name) && !urlCreds) return { masked: false };
  if (value === '') return { masked: false }; // nothing to hide, and "empty" is useful to see
  if (urlCreds) return { masked: true, preview: value.trim().replace(URL_CREDENTIALS, (_m, scheme: string, user: string) => `${scheme}${user}:${mask}@`) };
  return { masked: true };
}

/** Split "NAME=value" (a name may not contain "="). */
export function splitEnv(entry: string): { name: string; value: string } {
  const i = entry.indexOf('=');
  return i < 0 ? { name: entry, value: '' } : { name: entry.slice(0, i), value: entry.slice(i + 1) };
}
