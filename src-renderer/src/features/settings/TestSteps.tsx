// The steps of hosts.test, in order, each with its outcome and what happened; ProxyJump hops name
// the jump host they belong to.
import type { HostTestStep } from '@contract/index';
import { STEP_LABEL } from './step-labels';

const OUTCOME_TEXT = { ok: 'passed', failed: 'failed', skipped: 'skipped' } as const;

export function TestSteps({ steps }: { steps: HostTestStep[] }) {
  return (
    <ol className="hosts-test-steps">
      {steps.map((s, i) => (
        <li key={`${s.hop ?? ''}:${s.step}:${i}`} data-outcome={s.outcome} data-step={s.step} className={s.outcome === 'failed' ? 'state-bad' : s.outcome === 'skipped' ? 'muted' : undefined}>
          <strong>{STEP_LABEL[s.step]}</strong>
          {s.hop && <span className="mono"> (jump host {s.hop})</span>} — {OUTCOME_TEXT[s.outcome]}: {s.message}
        </li>
      ))}
    </ol>
  );
}
