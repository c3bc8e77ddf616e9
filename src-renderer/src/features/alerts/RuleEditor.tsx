// Alert rules: the list (enable, edit, delete) and the editor with inline field errors. The form
// validates with the contract's own schema before sending; the core validates again and its
// answer (with the field) lands on the same inline errors.
import { useEffect, useId, useMemo, useState, type ReactNode } from 'react';
import { AlertRuleInputSchema, type AlertCondition, type AlertRule } from '@contract/procedures/alerts';
import { RpcError, fieldMessage } from '@contract/index';
import { call, errorText } from '../../transport/client';
import { ALL_HOSTS, useApp } from '../../stores/app-store';
import { useContainers } from '../../stores/containers-store';
import { useAlerts } from './alerts-store';
import { CONDITION_LABEL, fieldErrors, hostText, ruleSummary } from './alert-presenter';
import { ALL_HOSTS_RULE } from '@contract/procedures/alerts';

type Kind = AlertCondition['kind'];

interface Draft {
  id?: string;
  name: string;
  /** The host the rule watches (a rule always names its host). */
  hostId: string;
  enabled: boolean;
  scopeKind: 'container' | 'project' | 'host' | 'service';
  containerName: string;
  /** Wake failed: one service by name, or '' for every service. */
  serviceName: string;
  project: string;
  kind: Kind;
  threshold: string;
  forSeconds: string;
  restarts: string;
  withinSeconds: string;
  cooldownSeconds: string;
  desktop: boolean;
  channelIds: string[];
}

const EMPTY: Draft = {
  name: '',
  hostId: '',
  enabled: true,
  scopeKind: 'container',
  containerName: '',
  serviceName: '',
  project: '',
  kind: 'cpu',
  threshold: '80',
  forSeconds: '60',
  restarts: '3',
  withinSeconds: '300',
  cooldownSeconds: '300',
  desktop: true,
  channelIds: [],
};

function draftOf(r: AlertRule): Draft {
  const c = r.condition;
  return {
    id: r.id,
    name: r.name,
    hostId: r.hostId,
    enabled: r.enabled,
    scopeKind: r.scope.kind,
    containerName: r.scope.kind === 'container' ? r.scope.name : '',
    project: r.scope.kind === 'project' ? r.scope.project : '',
    serviceName: r.scope.kind === 'service' ? (r.scope.name ?? '') : '',
    kind: c.kind,
    threshold: c.kind === 'cpu' || c.kind === 'memory' ? String(c.thresholdPercent) : EMPTY.threshold,
    forSeconds: c.kind === 'cpu' || c.kind === 'memory' || c.kind === 'engine-down' ? String(c.forSeconds) : EMPTY.forSeconds,
    restarts: c.kind === 'restart-loop' ? String(c.restarts) : EMPTY.restarts,
    withinSeconds: c.kind === 'restart-loop' ? String(c.withinSeconds) : EMPTY.withinSeconds,
    cooldownSeconds: String(r.cooldownSeconds),
    desktop: r.desktop,
    channelIds: r.channelIds,
  };
}

/** '' must not become 0: an empty number field is an error, not zero. */
const num = (s: string): number => (s.trim() === '' ? NaN : Number(s));

function inputOf(d: Draft): unknown {
  const condition =
    d.kind === 'cpu' || d.kind === 'memory'
      ? { kind: d.kind, thresholdPercent: num(d.threshold), forSeconds: num(d.forSeconds) }
      : d.kind === 'restart-loop'
        ? { kind: d.kind, restarts: num(d.restarts), withinSeconds: num(d.withinSeconds) }
        : d.kind === 'engine-down'
          ? { kind: d.kind, forSeconds: num(d.forSeconds) }
          : { kind: d.kind };
  const scope =
    d.scopeKind === 'container'
      ? { kind: 'container', name: d.containerName }
      : d.scopeKind === 'project'
        ? { kind: 'project', project: d.project }
        : d.scopeKind === 'service'
          ? { kind: 'service', ...(d.serviceName.trim() ? { name: d.serviceName.trim() } : {}) }
          : { kind: 'host' };
  return {
    ...(d.id ? { id: d.id } : {}),
    name: d.name,
    enabled: d.enabled,
    hostId: d.hostId,
    scope,
    condition,
    cooldownSeconds: num(d.cooldownSeconds),
    desktop: d.desktop,
    channelIds: d.channelIds,
  };
}

export function RulesPanel() {
  const rules = useAlerts((s) => s.rules);
  const hosts = useApp((a) => a.hosts);
  const loadRules = useAlerts((s) => s.loadRules);
  const loadChannels = useAlerts((s) => s.loadChannels);
  const [editing, setEditing] = useState<Draft | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void Promise.all([loadRules(), loadChannels()]).catch((e: unknown) => setError(errorText(e)));
  }, [loadRules, loadChannels]);

  const act = async (p: Promise<unknown>): Promise<void> => {
    try {
      setError(null);
      await p;
      await loadRules();
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <div className="rules-panel">
      <div className="toolbar">
        <span className="muted small">Rules watch a container (by name, so they survive recreation), a compose project or the whole host.</span>
        <span className="grow" />
        <button type="button" className="btn btn-primary btn-sm" onClick={() => setEditing({ ...EMPTY, hostId: useApp.getState().scope === ALL_HOSTS ? ALL_HOSTS_RULE : useContainers.getState().hostId || (useApp.getState().hosts[0]?.id ?? '') })}>
          New rule
        </button>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {editing && (
        <RuleForm
          key={editing.id ?? 'new'}
          initial={editing}
          onDone={() => {
            setEditing(null);
            void loadRules();
          }}
        />
      )}
      {rules.length === 0 ? (
        !editing && <p className="empty muted">No rules yet. Create one to be told when something goes wrong.</p>
      ) : (
        <ul className="rule-list" aria-label="Rules">
          {rules.map((r) => (
            <li key={r.id} className="rule-item" aria-label={r.name}>
              <label className="check" title={r.enabled ? 'Enabled' : 'Disabled'}>
                <input type="checkbox" checked={r.enabled} aria-label={`Enable ${r.name}`} onChange={(e) => void act(call('alerts.rules.save', { ...ruleInput(r), enabled: e.target.checked }))} />
              </label>
              <div className="rule-text">
                <strong>{r.name}</strong>
                <span className="muted small">
                  {ruleSummary(r)}
                  {r.scope.kind !== 'service' && (hosts.length > 1 || r.hostId === ALL_HOSTS_RULE) ? ` · ${hostText(r.hostId, hosts)}` : ''}
                </span>
              </div>
              <button type="button" className="btn btn-sm" aria-label={`Edit ${r.name}`} onClick={() => setEditing(draftOf(r))}>
                Edit
              </button>
              <button type="button" className="btn btn-sm btn-danger" aria-label={`Delete ${r.name}`} onClick={() => void act(call('alerts.rules.delete', { id: r.id }))}>
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A stored rule as the save input (createdAt is the core's). */
function ruleInput(r: AlertRule) {
  const { createdAt: _c, ...rest } = r;
  return rest;
}

function RuleForm({ initial, onDone }: { initial: Draft; onDone(): void }) {
  const [d, setD] = useState<Draft>(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const channels = useAlerts((s) => s.channels);
  const hosts = useApp((a) => a.hosts);
  const containers = useContainers((s) => s.byId);
  const names = useMemo(() => [...new Set([...containers.values()].map((c) => c.name))].sort(), [containers]);
  const projects = useMemo(() => [...new Set([...containers.values()].map((c) => c.composeProject).filter((p): p is string => !!p))].sort(), [containers]);
  const ids = useId();
  /** Wake-on-demand services, offered for "wake failed" (fetched when that condition is chosen). */
  const [services, setServices] = useState<string[]>([]);
  const wantsServices = d.kind === 'wake-failed';
  useEffect(() => {
    if (!wantsServices) return;
    let live = true;
    call('wake.list', {})
      .then((l) => live && setServices(l.services.map((s) => s.name).sort()))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [wantsServices]);

  const set = <K extends keyof Draft>(k: K, v: Draft[K], ...clear: string[]): void => {
    setD((x) => ({ ...x, [k]: v }));
    if (clear.length) setErrors((e) => Object.fromEntries(Object.entries(e).filter(([f]) => !clear.includes(f))));
  };

  const save = async (): Promise<void> => {
    setFormError(null);
    const parsed = AlertRuleInputSchema.safeParse(inputOf(d));
    if (!parsed.success) {
      setErrors(fieldErrors(parsed.error.issues));
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      await call('alerts.rules.save', parsed.data);
      onDone();
    } catch (e) {
      if (e instanceof RpcError && e.field) setErrors({ [e.field]: fieldMessage(e) });
      else setFormError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const threshold = d.kind === 'cpu' || d.kind === 'memory';
  return (
    <form
      className="card rule-form"
      aria-label={d.id ? `Edit rule ${initial.name}` : 'New rule'}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h2>{d.id ? `Edit “${initial.name}”` : 'New rule'}</h2>
      <div className="form-grid">
        <Field label="Name" error={errors.name}>
          {(p) => <input {...p} value={d.name} onChange={(e) => set('name', e.target.value, 'name')} placeholder="e.g. API CPU" />}
        </Field>
        <Field label="Condition" error={undefined}>
          {(p) => (
            <select
              {...p}
              value={d.kind}
              onChange={(e) => {
                const kind = e.target.value as Kind;
                setD((x) => ({ ...x, kind, scopeKind: kind === 'engine-down' ? 'host' : kind === 'wake-failed' ? 'service' : x.scopeKind === 'service' ? 'container' : x.scopeKind }));
                setErrors({});
              }}
            >
              {(Object.keys(CONDITION_LABEL) as Kind[]).map((k) => (
                <option key={k} value={k}>
                  {CONDITION_LABEL[k]}
                </option>
              ))}
            </select>
          )}
        </Field>
        {d.kind !== 'wake-failed' && (hosts.length > 1 || d.hostId === ALL_HOSTS_RULE || !hosts.some((h) => h.id === d.hostId)) && (
          <Field label="Host" error={errors.hostId}>
            {(p) => (
              <select {...p} value={d.hostId} onChange={(e) => set('hostId', e.target.value, 'hostId')}>
                {d.hostId !== ALL_HOSTS_RULE && !hosts.some((h) => h.id === d.hostId) && <option value={d.hostId}>{d.hostId ? `${d.hostId} (removed)` : 'Choose a host'}</option>}
                <option value={ALL_HOSTS_RULE}>Every host (also hosts added later)</option>
                {hosts.map((h) => (
                  <option key={h.id} value={h.id}>
                    {h.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        {d.kind === 'wake-failed' ? (
          <Field label="Service" error={errors['scope.name'] ?? errors['scope.kind']}>
            {(p) => (
              <>
                <input {...p} list={`${ids}-services`} className="mono" value={d.serviceName} onChange={(e) => set('serviceName', e.target.value, 'scope.name', 'scope.kind')} placeholder="every service" />
                <datalist id={`${ids}-services`}>
                  {services.map((n) => (
                    <option key={n} value={n} />
                  ))}
                </datalist>
                <span className="muted small">Empty: every service on the Services page. The alert says why its start failed.</span>
              </>
            )}
          </Field>
        ) : (
          <Field label="Watch" error={errors['scope.kind']}>
            {(p) => (
              <select {...p} value={d.scopeKind} onChange={(e) => set('scopeKind', e.target.value as Draft['scopeKind'], 'scope.kind', 'scope.name', 'scope.project')}>
                <option value="container">A container (by name)</option>
                <option value="project">A compose project</option>
                <option value="host">The whole host</option>
              </select>
            )}
          </Field>
        )}
        {d.scopeKind === 'container' && (
          <Field label="Container name" error={errors['scope.name']}>
            {(p) => (
              <>
                <input {...p} list={`${ids}-names`} className="mono" value={d.containerName} onChange={(e) => set('containerName', e.target.value, 'scope.name')} placeholder="e.g. web" />
                <datalist id={`${ids}-names`}>
                  {names.map((n) => (
                    <option key={n} value={n} />
                  ))}
                </datalist>
              </>
            )}
          </Field>
        )}
        {d.scopeKind === 'project' && (
          <Field label="Compose project" error={errors['scope.project']}>
            {(p) => (
              <>
                <input {...p} list={`${ids}-projects`} className="mono" value={d.project} onChange={(e) => set('project', e.target.value, 'scope.project')} placeholder="e.g. shop" />
                <datalist id={`${ids}-projects`}>
                  {projects.map((n) => (
                    <option key={n} value={n} />
                  ))}
                </datalist>
              </>
            )}
          </Field>
        )}
        {threshold && (
          <Field label={d.kind === 'cpu' ? 'Threshold (% of one core)' : 'Threshold (% of the memory limit)'} error={errors['condition.thresholdPercent']}>
            {(p) => <input {...p} type="number" inputMode="decimal" min={0} value={d.threshold} onChange={(e) => set('threshold', e.target.value, 'condition.thresholdPercent')} />}
          </Field>
        )}
        {(threshold || d.kind === 'engine-down') && (
          <Field label="For (seconds)" error={errors['condition.forSeconds']}>
            {(p) => <input {...p} type="number" min={0} value={d.forSeconds} onChange={(e) => set('forSeconds', e.target.value, 'condition.forSeconds')} />}
          </Field>
        )}
        {d.kind === 'restart-loop' && (
          <>
            <Field label="Restarts" error={errors['condition.restarts']}>
              {(p) => <input {...p} type="number" min={2} value={d.restarts} onChange={(e) => set('restarts', e.target.value, 'condition.restarts')} />}
            </Field>
            <Field label="Within (seconds)" error={errors['condition.withinSeconds']}>
              {(p) => <input {...p} type="number" min={10} value={d.withinSeconds} onChange={(e) => set('withinSeconds', e.target.value, 'condition.withinSeconds')} />}
            </Field>
          </>
        )}
        <Field label="Cool-down (seconds)" error={errors.cooldownSeconds}>
          {(p) => <input {...p} type="number" min={0} value={d.cooldownSeconds} onChange={(e) => set('cooldownSeconds', e.target.value, 'cooldownSeconds')} />}
        </Field>
      </div>
      <div className="form-row">
        <label className="check">
          <input type="checkbox" checked={d.enabled} onChange={(e) => set('enabled', e.target.checked)} />
          <span>Enabled</span>
        </label>
        <label className="check">
          <input type="checkbox" checked={d.desktop} onChange={(e) => set('desktop', e.target.checked)} />
          <span>Desktop notification</span>
        </label>
      </div>
      <fieldset className="channel-picks">
        <legend>Send to</legend>
        {channels.length === 0 ? (
          <span className="muted small">No channels yet (add webhooks under Channels).</span>
        ) : (
          channels.map((c) => (
            <label key={c.id} className="check">
              <input
                type="checkbox"
                checked={d.channelIds.includes(c.id)}
                onChange={(e) => set('channelIds', e.target.checked ? [...d.channelIds, c.id] : d.channelIds.filter((x) => x !== c.id))}
              />
              <span>{c.name}</span>
            </label>
          ))
        )}
        {Object.entries(errors)
          .filter(([k]) => k.startsWith('channelIds'))
          .map(([k, m]) => (
            <p key={k} className="field-error" role="alert">
              {m}
            </p>
          ))}
      </fieldset>
      {formError && (
        <p className="field-error" role="alert">
          {formError}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          Save rule
        </button>
      </div>
    </form>
  );
}

/** A labelled control with its inline error (aria-invalid + aria-describedby). */
export function Field(props: { label: string; error: string | undefined; children: (p: { id: string; 'aria-invalid'?: true; 'aria-describedby'?: string }) => ReactNode }) {
  const id = useId();
  const errId = `${id}-err`;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {props.children({ id, ...(props.error ? { 'aria-invalid': true as const, 'aria-describedby': errId } : {}) })}
      {props.error && (
        <span className="field-error inline-error" id={errId}>
          {props.error}
        </span>
      )}
    </div>
  );
}
