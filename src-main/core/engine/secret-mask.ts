// Which environment values are secret-looking, decided in main so that a masked value never
// reaches the renderer unless the user reveals it.

/** Names that usually hold credentials: DB_PASSWORD, API_KEY, GITHUB_TOKEN, AWS_SECRET_ACCESS_KEY,
 *  SENTRY_DSN, SLACK_WEBHOOK, GITLAB_PAT… (PAT: a personal access token, as a whole word). */
const SECRET_NAME = /pass(word|wd|phrase)?|secret|token|key|credential|auth|private|api_?key|dsn|connection_?string|cookie|session|salt|signature|cert|web_?hook|(^|[_.-])pat($|[_.-])/i;

/**
 * URLs whose path or query is itself the credential, whatever the variable is called: chat and
 * automation webhooks (Slack, Discord, Teams, Zapier, Mattermost/Rocket.Chat hooks, Google Chat),
 * Telegram bot URLs, and any URL with a token-like query parameter.
 */
const SECRET_URL_HOST = /^(hooks\.slack\.com|(?:[\w-]+\.)?discord(?:app)?\.com|[\w-]+\.webhook\.office\.com|outlook\.office(?:365)?\.com|hooks\.zapier\.com|chat\.googleapis\.com|api\.telegram\.org)$/i;
const SECRET_URL_PATH = /\/(hooks?|webhooks?|services|bot[0-9]+:[\w-]+)(\/|$)/i;
const SECRET_QUERY = /[?&](access_?token|token|key|api_?key|sig|signature|secret|code|auth|password|pwd)=/i;

/** Values that are credentials by their shape: GitHub, GitLab, Slack, OpenAI-style tokens. */
const TOKEN_VALUE = /^(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_\w{20,}|glpat-[\w-]{20,}|xox[abposr]-[\w-]{10,}|sk-[A-Za-z0-9_-]{20,})$/;

/** scheme://user:password@host… (the password part is what matters). */
const URL_CREDENTIALS = /^([a-z][a-z0-9+.-]*:\/\/)([^:/@\s]*):([^@\s]+)@/i;

/** Names that match the pattern but hold no secret. */
const NOT_SECRET = /^(PATH|HOME|HOSTNAME|TERM|LANG|PWD|SHLVL|GPG_KEY)$|certresolver$/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !NOT_SECRET.test(name);
}

/** A URL with credentials, e.g. postgres://app:hunter2@db/app. */
export function hasUrlCredentials(value: string): boolean {
  return URL_CREDENTIALS.test(value.trim());
}

/** A URL whose path or query carries the secret (a webhook), e.g. https://hooks.slack.com/services/T/B/X. */
export function isSecretUrl(value: string): boolean {
  let u: URL;
  try {
    u = new URL(value.trim());
  } catch {
    return false;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
  return SECRET_URL_HOST.test(u.hostname) || SECRET_URL_PATH.test(u.pathname) || SECRET_QUERY.test(u.search);
}

/** The URL with everything after the host hidden (what is safe to show of a webhook). */
function urlPreview(value: string, mask: string): string {
  const u = new URL(value.trim());
  return `${u.protocol}//${u.host}/${mask}`;
}

export interface MaskDecision {
  masked: boolean;
  /** For URLs: the value with the password replaced (safe to show). */
  preview?: string;
}

export function maskDecision(name: string, value: string, mask = '•••'): MaskDecision {
  const urlCreds = hasUrlCredentials(value);
  const secretUrl = !urlCreds && isSecretUrl(value);
  if (!isSecretName(name) && !urlCreds && !secretUrl && !TOKEN_VALUE.test(value.trim())) return { masked: false };
  if (value === '') return { masked: false }; // nothing to hide, and "empty" is useful to see
  if (urlCreds) return { masked: true, preview: value.trim().replace(URL_CREDENTIALS, (_m, scheme: string, user: string) => `${scheme}${user}:${mask}@`) };
  if (secretUrl) return { masked: true, preview: urlPreview(value, mask) };
  return { masked: true };
}

/**
 * Labels: the same rules, with the name taken from the label key's last dotted part
 * (`traefik.http.middlewares.x.basicauth.users` → also matched on the whole key for auth parts).
 */
export function maskLabelDecision(key: string, value: string, mask = '•••'): MaskDecision {
  const last = key.slice(key.lastIndexOf('.') + 1);
  const d = maskDecision(last, value, mask);
  if (d.masked || value === '') return d;
  if (/basicauth|digestauth|password|secret|token|api_?key/i.test(key) && !NOT_SECRET.test(key)) return { masked: true };
  return d;
}

/** Split "NAME=value" (a name may not contain "="). */
export function splitEnv(entry: string): { name: string; value: string } {
  const i = entry.indexOf('=');
  return i < 0 ? { name: entry, value: '' } : { name: entry.slice(0, i), value: entry.slice(i + 1) };
}
