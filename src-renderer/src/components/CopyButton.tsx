// A copy-to-clipboard button with a short "Copied" confirmation. The async clipboard API needs a
// secure context (the app page and http://127.0.0.1 are); a hidden textarea covers the rest.
import { useEffect, useState } from 'react';

export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    // fall through: not permitted or not available
  }
  const ta = document.createElement('textarea');
  ta.value = text;
  ta.setAttribute('readonly', '');
  ta.style.position = 'fixed';
  ta.style.opacity = '0';
  document.body.appendChild(ta);
  ta.select();
  document.execCommand('copy');
  ta.remove();
}

export function CopyButton(props: { text: string | (() => Promise<string>); label: string; className?: string; children?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const t = setTimeout(() => setState('idle'), 1500);
    return () => clearTimeout(t);
  }, [state]);
  return (
    <button
      type="button"
      className={props.className ?? 'btn btn-sm btn-ghost'}
      aria-label={props.label}
      title={props.label}
      onClick={async () => {
        try {
          await copyText(typeof props.text === 'string' ? props.text : await props.text());
          setState('copied');
        } catch {
          setState('failed');
        }
      }}
    >
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : (props.children ?? 'Copy')}
    </button>
  );
}
