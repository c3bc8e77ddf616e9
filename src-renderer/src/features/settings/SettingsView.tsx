// Settings: which engine is used and why, an override, behaviour and about.
import { useState } from 'react';
import { EngineUrlSchema, type EndpointSource } from '@contract/index';
import { useApp } from '../../stores/app-store';
import { errorText } from '../../transport/client';
import { StatsSettings } from '../stats/StatsSettings';
import { LogSettings } from '../logs/LogSettings';
import { HostsSettings } from './HostsSettings';
import { ProxySettings } from '../wake/ProxySettings';

export const SOURCE_TEXT: Record<EndpointSource, string> = {
  settings: 'set in Settings',
  DOCKER_HOST: 'from DOCKER_HOST',
  context: 'from the current Docker context',
  'default-socket': 'the default socket',
  rootless: 'rootless Docker',
  'docker-desktop': 'Docker Desktop',
  colima: 'Colima',
  orbstack: 'OrbStack',
  podman: 'Podman (Docker-compatible)',
  npipe: 'the Windows named pipe',
  none: 'nothing found',
};

export function SettingsView() {
  const settings = useApp((a) => a.settings);
  const info = useApp((a) => a.info);
  // The engine override applies to the auto-detected engine's host.
  const local = useApp((a) => a.hosts.find((h) => h.discovered));
  const save = useApp((a) => a.saveSettings);
  // The user's edit, or null to show what is saved.
  const [draft, setOverride] = useState<string | null>(null);
  const override = draft ?? settings?.engineOverride ?? '';
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  const apply = async (value: string): Promise<void> => {
    setSaved(null);
    const parsed = EngineUrlSchema.safeParse(value);
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? 'invalid address');
      return;
    }
    try {
      await save({ engineOverride: parsed.data });
      setOverride(null);
      setError(null);
      setSaved(parsed.data || 'auto');
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <section className="view" aria-label="Settings">
      <header className="view-header">
        <h1>Settings</h1>
      </header>
      <div className="settings">
        <section className="card" aria-labelledby="engine-h">
          <h2 id="engine-h">Docker engine</h2>
          {local && (
            <dl className="kv">
              <dt>In use</dt>
              <dd className="mono" data-testid="engine-url">
                {local.endpoint.url}
              </dd>
              <dt>Chosen because</dt>
              <dd>
                {SOURCE_TEXT[local.endpoint.source]}
                {local.endpoint.detail && local.endpoint.detail !== SOURCE_TEXT[local.endpoint.source] && <span className="muted"> — {local.endpoint.detail}</span>}
              </dd>
              <dt>State</dt>
              <dd data-testid="engine-state" className={local.state === 'unreachable' ? 'state-bad' : undefined}>
                {local.state}
                {/* The version is the engine's only while connected to it: never the previous engine's. */}
                {local.state === 'connected' && local.engineVersion && <span className="muted"> · Docker {local.engineVersion} (API {local.apiVersion}, {local.os})</span>}
                {local.state !== 'connected' && local.reason && <span> · {local.reason}</span>}
              </dd>
            </dl>
          )}
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              void apply(override);
            }}
          >
            <label className="field grow">
              <span>Engine address override</span>
              <input
                className="mono"
                placeholder="auto-detect (DOCKER_HOST, context, /var/run/docker.sock, …)"
                value={override}
                aria-invalid={error ? true : undefined}
                onChange={(e) => {
                  setOverride(e.target.value);
                  setError(null);
                }}
              />
            </label>
            <button type="submit" className="btn btn-primary">
              Save
            </button>
            <button
              type="button"
              className="btn"
              onClick={() => {
                setOverride('');
                void apply('');
              }}
            >
              Use auto-detect
            </button>
          </form>
          {error && (
            <p className="field-error" role="alert">
              {error}
            </p>
          )}
          {saved && <SavedOutcome saved={saved} host={local} />}
        </section>

        <HostsSettings />

        <ProxySettings />

        <section className="card" aria-labelledby="behaviour-h">
          <h2 id="behaviour-h">Behaviour</h2>
          <label className="check">
            <input type="checkbox" checked={settings?.confirmDestructive ?? true} onChange={(e) => void save({ confirmDestructive: e.target.checked })} />
            <span>
              Ask before killing a container or stopping several
              <small>Removing always asks.</small>
            </span>
          </label>
          <label className="field narrow">
            <span>Theme</span>
            <select value={settings?.theme ?? 'system'} onChange={(e) => void save({ theme: e.target.value as 'system' | 'dark' | 'light' })}>
              <option value="system">Follow the system</option>
              <option value="dark">Dark</option>
              <option value="light">Light</option>
            </select>
          </label>
        </section>

        <StatsSettings />
        <LogSettings />

        <section className="card" aria-labelledby="about-h">
          <h2 id="about-h">About</h2>
          {info && (
            <dl className="kv">
              <dt>Version</dt>
              <dd>{info.appVersion}</dd>
              <dt>Mode</dt>
              <dd>{info.mode === 'serve' ? 'Headless (wakedock serve), in a browser' : 'Desktop app'}</dd>
              <dt>Data folder</dt>
              <dd className="mono">{info.dataDir}</dd>
              {info.secretStorage && (
                <>
                  <dt>Secrets</dt>
                  <dd data-testid="secret-storage">{info.secretStorage.description}</dd>
                </>
              )}
              <dt>Contract</dt>
              <dd>v{info.contractVersion}</dd>
              {info.mode === 'serve' && (
                <>
                  <dt>Access token</dt>
                  <dd data-testid="token-warning">
                    <strong>Root-equivalent on the engine&apos;s host.</strong> Whoever holds this server&apos;s token controls its Docker engine
                    and, through it, the machine the engine runs on (a privileged container can mount its disk), whether or not host
                    terminals are enabled. Keep it like an SSH key; to reach WakeDock from other machines, serve it over TLS
                    (<span className="mono">--tls-cert/--tls-key</span> or a proxy such as Caddy).
                  </dd>
                </>
              )}
            </dl>
          )}
        </section>
      </div>
    </section>
  );
}

/**
 * What saving the engine address led to, told once and in the colour of the outcome: green only
 * once the engine at the new address answered, neutral while connecting, red when nothing answers
 * (the reason itself is in the State row above, not repeated here).
 */
function SavedOutcome({ saved, host }: { saved: string; host: { state: string; endpoint: { url: string } } | undefined }) {
  const target = saved === 'auto' ? undefined : saved;
  const mine = host && (target === undefined || host.endpoint.url === target);
  const where = target ?? 'the detected engine';
  if (!mine || host.state === 'connecting') {
    return (
      <p className="field-note muted" role="status" data-testid="engine-saved">
        Saved. Connecting to {where}…
      </p>
    );
  }
  if (host.state === 'connected') {
    return (
      <p className="field-ok" role="status" data-testid="engine-saved">
        Saved. Now using {where}.
      </p>
    );
  }
  return (
    <p className="field-error" role="status" data-testid="engine-saved">
      Saved, but {where} does not answer; WakeDock keeps trying. Fix the address or use auto-detect.
    </p>
  );
}
