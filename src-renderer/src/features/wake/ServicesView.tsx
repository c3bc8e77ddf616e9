// The Services page: every wake-on-demand service with its state as it happens (sleeping, waking,
// awake with the idle countdown, failed with why), hostnames as links through WakeDock's Caddy,
// last request, wakes, median cold start; wake now / sleep now. Live from wake.watch. Stored services
// are made and changed in the editor (ServiceEditor) and removed after a confirmation; services
// declared by labels are changed through their labels.
import { useEffect, useState } from 'react';
import type { WakeList } from '@contract/procedures/wake';
import type { WakeServiceView } from '@contract/wake-service';
import { call, errorText, subscribe } from '../../transport/client';
import { ConfirmDialog } from '../../components/Dialog';
import { useNow } from '../../components/use-now';
import { ConfigPanel } from './ConfigPanel';
import { ProxySettingsLink } from './ProxySettings';
import { RootCertButton } from './RootCertButton';
import { ServiceEditor } from './ServiceEditor';
import { WebhookDialog } from './WebhookDialog';
import { PROXY_TEXT, STATE_LABEL, STATE_TONE, ago, fileStatusText, formatSpan, hostUrl, savedText, stateDetail, targetText, webhookText } from './wake-presenter';
import './wake.css';

export function ServicesView() {
  const [list, setList] = useState<WakeList | null>(null);
  const [streamError, setStreamError] = useState<string | null>(null);
  const [busy, setBusy] = useState<Record<string, 'wake' | 'sleep' | 'remove'>>({});
  const [rowError, setRowError] = useState<Record<string, string>>({});
  const [confirmSleep, setConfirmSleep] = useState<WakeServiceView | null>(null);
  const [confirmRemove, setConfirmRemove] = useState<WakeServiceView | null>(null);
  /** The editor: closed (null), a new service ('new') or the stored service being changed. */
  const [editor, setEditor] = useState<'new' | WakeServiceView | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [configOpen, setConfigOpen] = useState(false);
  const [hookFor, setHookFor] = useState<WakeServiceView | null>(null);
  const now = useNow(1000);

  useEffect(
    () =>
      subscribe(
        'wake.watch',
        {},
        (l) => {
          setList(l);
          setStreamError(null);
        },
        (e) => setStreamError(e.message),
      ),
    [],
  );

  const remove = async (name: string): Promise<void> => {
    setBusy((b) => ({ ...b, [name]: 'remove' }));
    try {
      await call('wake.remove', { name });
      setNotice(`Removed ${name}; its containers were left as they are.`);
      if (editor !== null && editor !== 'new' && editor.name === name) setEditor(null);
    } catch (e) {
      setRowError((r) => ({ ...r, [name]: errorText(e) }));
    } finally {
      setBusy((b) => {
        const { [name]: _, ...rest } = b;
        return rest;
      });
    }
  };

  const act = async (name: string, what: 'wake' | 'sleep'): Promise<void> => {
    setBusy((b) => ({ ...b, [name]: what }));
    setRowError((r) => {
      const { [name]: _, ...rest } = r;
      return rest;
    });
    try {
      await call(what === 'wake' ? 'wake.wakeNow' : 'wake.sleepNow', { name });
    } catch (e) {
      setRowError((r) => ({ ...r, [name]: errorText(e) }));
    } finally {
      setBusy((b) => {
        const { [name]: _, ...rest } = b;
        return rest;
      });
    }
  };

  const proxy = list?.proxy;
  const services = list?.services ?? [];
  return (
    <section className="view wake-view" aria-label="Services">
      <header className="view-header">
        <div>
          <h1>Services</h1>
          <p className="muted">Containers that sleep when idle and wake on the first request for their hostname.</p>
        </div>
        <div className="wake-header-actions">
          <button type="button" className="btn" aria-expanded={configOpen} disabled={proxy?.caddy === 'disabled'} onClick={() => (setConfigOpen((o) => !o), setNotice(null))}>
            wakedock.yml
          </button>
          {editor === null && (
            <button type="button" className="btn btn-primary" disabled={proxy?.caddy === 'disabled'} onClick={() => (setEditor('new'), setNotice(null))}>
              New service
            </button>
          )}
        </div>
      </header>

      {configOpen && <ConfigPanel file={list?.file} onNotice={setNotice} onClose={() => setConfigOpen(false)} />}

      {editor !== null && (
        <ServiceEditor
          key={editor === 'new' ? '(new)' : editor.name}
          editing={editor === 'new' ? null : editor}
          onDone={(saved) => {
            setNotice(saved ? `Saved ${saved}.` : null);
            setEditor(null);
          }}
        />
      )}
      {notice && (
        <div className="banner banner-info" role="status">
          {notice}
        </div>
      )}

      {streamError && <div className="banner banner-error" role="alert">{streamError}</div>}
      {proxy && (
        <div className={`wake-proxy ${proxy.caddy === 'running' ? '' : 'wake-proxy-warn'}`} data-testid="wake-proxy" role="status">
          <span className={`badge badge-${proxy.caddy === 'running' ? 'ok' : proxy.caddy === 'starting' || proxy.caddy === 'restarting' ? 'warn' : 'bad'}`}>
            <span className="dot" />
            {PROXY_TEXT[proxy.caddy]}
          </span>
          {proxy.listen && proxy.caddy !== 'disabled' && <span className="muted">serving on <span className="mono">{proxy.listen}</span></span>}
          <RootCertButton proxy={proxy} />
          <ProxySettingsLink proxy={proxy} />
          {proxy.message && <span className="wake-proxy-msg">{proxy.message}</span>}
          {proxy.hint && <span className="muted">{proxy.hint}</span>}
        </div>
      )}

      {list?.file && (
        <div className={`wake-proxy ${list.file.error ? 'wake-proxy-warn' : ''}`} data-testid="wake-file" role="status">
          <span className={`badge badge-${list.file.error ? 'warn' : 'ok'}`}>
            <span className="dot" />
            {list.file.error ? 'Watched file not applied' : 'Watching'}
          </span>
          <span className="mono wake-file-path">{list.file.path}</span>
          <span className="muted">{fileStatusText(list.file, now).main}</span>
          {list.file.error && (
            <span className="wake-proxy-msg" data-testid="wake-file-error">
              {fileStatusText(list.file, now).error}
            </span>
          )}
        </div>
      )}

      {list && list.errors.length > 0 && (
        <div className="banner banner-warn wake-errors" role="alert">
          <div>
            <strong>Some labels could not be read:</strong>
            <ul>
              {list.errors.map((e) => (
                <li key={`${e.container}/${e.field}`}>
                  <span className="mono">{e.container}</span>: <span className="mono">{e.field}</span> {e.message}
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}

      {!list ? (
        <div className="empty muted">Loading…</div>
      ) : services.length === 0 ? (
        <div className="empty">
          <h2>No services yet</h2>
          <p className="muted">
            Press <strong>New service</strong>, or label a container with <span className="mono">wakedock.enable=true</span>, <span className="mono">wakedock.hosts=app.localhost</span> and{' '}
            <span className="mono">wakedock.port=80</span> (published on a fixed loopback port) to make it a service.
          </p>
        </div>
      ) : (
        <table className="wake-table" aria-label="Services">
          <thead>
            <tr>
              <th scope="col">Service</th>
              <th scope="col">State</th>
              <th scope="col">Hostnames</th>
              <th scope="col">Last request</th>
              <th scope="col">Wakes</th>
              <th scope="col">Cold start</th>
              <th scope="col">Asleep · saved</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {services.map((v) => {
              const saved = savedText(v, now);
              return (
                <tr key={v.name} data-testid={`service-${v.name}`} data-state={v.state}>
                  <td>
                    <div className="wake-name">{v.name}</div>
                    <div className="muted small">
                      {targetText(v)} · {v.source === 'labels' ? 'labels' : 'stored'}
                      {v.definition.depends_on?.length ? ` · needs ${v.definition.depends_on.join(', ')}` : ''}
                    </div>
                    {v.webhook && (
                      <div className={`small ${v.webhook.lastDelivery && !v.webhook.lastDelivery.ok ? 'wake-error' : 'muted'}`} data-testid="webhook">
                        {webhookText(v.webhook, now)}
                      </div>
                    )}
                  </td>
                  <td>
                    <span className={`badge badge-${STATE_TONE[v.state]}`} data-testid="state">
                      <span className="dot" />
                      {STATE_LABEL[v.state]}
                    </span>
                    <div className={`small ${v.state === 'failed' || v.state === 'unavailable' ? 'wake-error' : 'muted'}`} data-testid="state-detail">
                      {stateDetail(v, now)}
                    </div>
                  </td>
                  <td>
                    {v.definition.hosts.map((h) => (
                      <div key={h}>
                        {proxy && proxy.caddy !== 'disabled' ? (
                          <a href={hostUrl(h, proxy)} target="_blank" rel="noreferrer">
                            {h}
                          </a>
                        ) : (
                          h
                        )}
                      </div>
                    ))}
                  </td>
                  <td title={v.lastRequestAt ? new Date(v.lastRequestAt).toLocaleString() : undefined}>{ago(v.lastRequestAt, now)}</td>
                  <td>{v.wakes}</td>
                  <td>{v.medianColdStartMs !== undefined ? formatSpan(v.medianColdStartMs) : '—'}</td>
                  <td data-testid="asleep" title={v.lastWakeAt ? `last woken ${new Date(v.lastWakeAt).toLocaleString()}` : undefined}>
                    {saved.asleep}
                    {saved.memory && (
                      <div className="muted small" data-testid="saved-memory">
                        {saved.memory}
                      </div>
                    )}
                    {saved.cpu && (
                      <div className="muted small" data-testid="saved-cpu" title={saved.cpuTitle ?? undefined}>
                        {saved.cpu}
                      </div>
                    )}
                  </td>
                  <td className="wake-actions-cell">
                    <div className="wake-actions">
                      <button type="button" className="btn btn-sm" disabled={!!busy[v.name] || v.state === 'awake' || v.state === 'waking' || v.state === 'unavailable'} onClick={() => void act(v.name, 'wake')}>
                        {busy[v.name] === 'wake' ? 'Waking…' : 'Wake now'}
                      </button>
                      <button type="button" className="btn btn-sm" disabled={!!busy[v.name] || v.state !== 'awake'} onClick={() => setConfirmSleep(v)}>
                        {busy[v.name] === 'sleep' ? 'Stopping…' : 'Sleep now'}
                      </button>
                      <button type="button" className="btn btn-sm" aria-label={`Webhook of ${v.name}`} disabled={!!busy[v.name]} onClick={() => setHookFor(v)}>
                        Webhook
                      </button>
                      {v.source === 'stored' ? (
                        <>
                          <button type="button" className="btn btn-sm" aria-label={`Edit ${v.name}`} disabled={!!busy[v.name]} onClick={() => (setEditor(v), setNotice(null))}>
                            Edit
                          </button>
                          <button type="button" className="btn btn-sm btn-danger" aria-label={`Remove ${v.name}`} disabled={!!busy[v.name]} onClick={() => setConfirmRemove(v)}>
                            {busy[v.name] === 'remove' ? 'Removing…' : 'Remove'}
                          </button>
                        </>
                      ) : (
                        <span className="muted small wake-labels-note" title="Change or remove its wakedock.* labels to change this service">
                          set by labels
                        </span>
                      )}
                      {rowError[v.name] && (
                        <div className="small wake-error" role="alert">
                          {rowError[v.name]}
                        </div>
                      )}
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {services.some((v) => v.memoryBytes !== undefined || v.cpuPercent !== undefined) && (
        <p className="muted small wake-saved-note" data-testid="saved-note">
          Saved by sleeping: <strong>frees</strong> is the memory its containers used when last put to sleep; <strong>CPU</strong> is CPU time (of one core) not spent — the average
          CPU they used while awake × the time asleep.
        </p>
      )}

      {hookFor && (
        <WebhookDialog
          service={services.find((s) => s.name === hookFor.name) ?? hookFor}
          onDone={(n) => {
            setHookFor(null);
            if (n) setNotice(n);
          }}
        />
      )}

      {confirmRemove && (
        <ConfirmDialog
          title={`Remove ${confirmRemove.name}?`}
          body={
            <p>
              WakeDock stops serving <span className="mono">{confirmRemove.definition.hosts.join(', ')}</span> and forgets this service. Its containers are left as they
              are{confirmRemove.state === 'awake' ? ' (running)' : ''}; nothing is deleted from the engine.
            </p>
          }
          confirmLabel="Remove service"
          danger
          onCancel={() => setConfirmRemove(null)}
          onConfirm={() => {
            const name = confirmRemove.name;
            setConfirmRemove(null);
            void remove(name);
          }}
        />
      )}

      {confirmSleep && (
        <ConfirmDialog
          title={`Put ${confirmSleep.name} to sleep?`}
          body={
            <p>
              Its containers will be {confirmSleep.definition.idle.action === 'pause' ? 'paused' : 'stopped'} now
              {confirmSleep.inFlight > 0 ? `, cutting ${confirmSleep.inFlight} request(s) in flight` : ''}. The next request for its hostname wakes it again.
            </p>
          }
          confirmLabel="Sleep now"
          danger={confirmSleep.inFlight > 0}
          onCancel={() => setConfirmSleep(null)}
          onConfirm={() => {
            const name = confirmSleep.name;
            setConfirmSleep(null);
            void act(name, 'sleep');
          }}
        />
      )}
    </section>
  );
}
