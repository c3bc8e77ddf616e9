// The loading page a browser gets at once for a sleeping service: its name, live status (polled from
// /__wakedock/status on the same origin, through Caddy), the start error if it failed, an ETA from the
// median of the last cold starts, light/dark/auto theme. It reloads itself when the service is awake.
// Pure: the waker serves it with 503, Retry-After and no-store, and a CSP that allows only its own
// inline script (nonce) and same-origin fetches.
import type { WakeServiceView } from '../../contract/wake-service';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

export interface StatusJson {
  name: string;
  state: WakeServiceView['state'];
  message?: string;
  etaMs?: number;
  wakingSince?: number;
  retryAt?: number;
  now: number;
}

export function statusJson(v: WakeServiceView, now: number): StatusJson {
  return { name: v.name, state: v.state, message: v.message, etaMs: v.medianColdStartMs, wakingSince: v.wakingSince, retryAt: v.retryAt, now };
}

const STATE_TEXT: Record<WakeServiceView['state'], string> = {
  sleeping: 'Asleep — waking it up…',
  waking: 'Starting…',
  awake: 'Ready — loading…',
  failed: 'Could not start',
  unavailable: 'Not available',
};

/** `script: false`: the page as it first shows, without its polling script (the editor's preview). */
export function loadingPage(v: WakeServiceView, nonce: string, now: number, opts: { script?: boolean } = {}): string {
  const lp = v.definition.loading_page;
  const title = lp.title ?? v.name;
  const message = lp.message ?? `${v.name} was asleep to save resources. It is starting and this page will open it as soon as it is ready.`;
  const theme = lp.theme;
  const initial = JSON.stringify(statusJson(v, now)).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en" data-theme="${theme}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="${theme === 'auto' ? 'light dark' : theme}">
<title>${esc(title)} — starting</title>
<style>
:root{--bg:#f6f7f9;--fg:#1b1f24;--muted:#5b6470;--card:#fff;--accent:#2f6fde;--err:#b42318;--bar:#e3e7ee}
@media (prefers-color-scheme: dark){:root[data-theme=auto]{--bg:#111418;--fg:#e8ebef;--muted:#9aa4b1;--card:#1a1f25;--accent:#6ea0ff;--err:#ff8a80;--bar:#2a313a}}
:root[data-theme=dark]{--bg:#111418;--fg:#e8ebef;--muted:#9aa4b1;--card:#1a1f25;--accent:#6ea0ff;--err:#ff8a80;--bar:#2a313a}
*{box-sizing:border-box}body{margin:0;min-height:100vh;display:grid;place-items:center;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}
main{background:var(--card);padding:2rem 2.5rem;border-radius:12px;max-width:34rem;width:calc(100% - 2rem);box-shadow:0 2px 16px rgba(0,0,0,.08)}
h1{margin:0 0 .5rem;font-size:1.4rem}p{margin:.5rem 0;color:var(--muted)}
#state{font-weight:600;color:var(--fg)}#error{color:var(--err);white-space:pre-wrap;display:none}
.bar{height:6px;background:var(--bar);border-radius:3px;overflow:hidden;margin:1rem 0}.bar>div{height:100%;width:5%;background:var(--accent);transition:width .5s}
button{display:none;font:inherit;padding:.4rem 1rem;border-radius:6px;border:1px solid var(--muted);background:transparent;color:var(--fg);cursor:pointer}
</style>
</head>
<body>
<main>
<h1>${esc(title)}</h1>
<p>${esc(message)}</p>
<div class="bar" role="progressbar" aria-label="Start progress"><div id="progress"></div></div>
<p id="state" role="status" aria-live="polite">${esc(STATE_TEXT[v.state])}</p>
<p id="error">${v.state === 'failed' && v.message ? esc(v.message) : ''}</p>
<button id="retry" type="button">Try again</button>
<noscript><p>This page reloads by itself when JavaScript is on; otherwise reload it in a few seconds.</p></noscript>
</main>
${opts.script === false ? '' : `<script nonce="${nonce}">
(function(){
var s=${initial};var texts=${JSON.stringify(STATE_TEXT)};
var el=function(id){return document.getElementById(id)};var delay=500;var skew=Date.now()-s.now;
function show(st){
 s=st;el('state').textContent=texts[st.state]||st.state;
 var err=el('error');if(st.state==='failed'){err.textContent=st.message||'';err.style.display='block';el('retry').style.display='inline-block'}else{err.style.display='none';el('retry').style.display='none'}
 var p=5;if(st.state==='waking'&&st.wakingSince){var since=Date.now()-skew-st.wakingSince;p=st.etaMs?Math.min(95,100*since/st.etaMs):Math.min(90,10+since/200);el('state').textContent=texts.waking+(st.etaMs?' (usually '+Math.max(1,Math.round(st.etaMs/1000))+' s)':'')}
 if(st.state==='awake')p=100;el('progress').style.width=p+'%';
}
function poll(){
 fetch('/__wakedock/status',{cache:'no-store',headers:{Accept:'application/json'}}).then(function(r){return r.json()}).then(function(st){
  show(st);if(st.state==='awake'){location.reload();return}
  delay=st.state==='failed'?3000:Math.min(delay*1.3,2000);setTimeout(poll,delay);
 }).catch(function(){delay=Math.min(delay*2,5000);setTimeout(poll,delay)});
}
el('retry').addEventListener('click',function(){fetch('/__wakedock/wake',{method:'POST'}).then(function(){delay=500;poll()})});
show(s);setTimeout(poll,delay);
})();
</script>
`}</body>
</html>`;
}
