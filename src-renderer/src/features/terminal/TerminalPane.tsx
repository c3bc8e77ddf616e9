// One xterm.js terminal showing one session. Mounting attaches (the scrollback replays, then live
// output); unmounting only detaches: the process keeps running in main. Keys go out as
// terminal.write, the size follows the element (debounced fit → terminal.resize).
import { useEffect, useRef, useState } from 'react';
import { Terminal, type ITheme } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { WebLinksAddon } from '@xterm/addon-web-links';
import '@xterm/xterm/css/xterm.css';
import { errorText, subscribe, call } from '../../transport/client';
import { useApp } from '../../stores/app-store';
import { useTerminals } from './terminal-store';
import { copyText, isMac, readClipboard } from './clipboard';
import { isCopyKey, isPasteKey, pasteChunks } from './terminal-keys';

/** The colours of the current WakeDock theme, read from its CSS variables. */
function themeFromCss(): ITheme {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string): string => css.getPropertyValue(name).trim() || fallback;
  const light = css.colorScheme === 'light' || v('color-scheme', '') === 'light';
  const bg = v('--bg', light ? '#f6f8fa' : '#0d1117');
  const fg = v('--text', light ? '#1f2328' : '#e6edf3');
  return {
    background: bg,
    foreground: fg,
    cursor: fg,
    cursorAccent: bg,
    selectionBackground: light ? 'rgba(59,130,246,0.28)' : 'rgba(59,130,246,0.40)',
    // Readable ANSI colours on both backgrounds (the defaults are tuned for black only).
    ...(light
      ? { black: '#24292f', red: '#cf222e', green: '#116329', yellow: '#9a6700', blue: '#0969da', magenta: '#8250df', cyan: '#1b7c83', white: '#6e7781', brightBlack: '#57606a', brightWhite: '#8c959f' }
      : {}),
  };
}

export interface PaneHandle {
  copy(): Promise<void>;
  paste(): Promise<void>;
  focus(): void;
}

export function TerminalPane({ sessionId, label, onHandle }: { sessionId: string; label: string; onHandle?: (h: PaneHandle | null) => void }) {
  const host = useRef<HTMLDivElement>(null);
  const theme = useApp((a) => a.settings?.theme ?? 'system');
  const termRef = useRef<Terminal | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [size, setSize] = useState<{ cols: number; rows: number } | null>(null);
  const state = useTerminals((s) => s.sessions[sessionId]?.state);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const store = useTerminals.getState;
    const term = new Terminal({
      cursorBlink: true,
      fontFamily: getComputedStyle(document.documentElement).getPropertyValue('--mono').trim() || 'monospace',
      fontSize: 13,
      scrollback: 10_000,
      theme: themeFromCss(),
      allowProposedApi: false,
      convertEol: false,
    });
    termRef.current = term;
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.loadAddon(new WebLinksAddon((_e, uri) => window.open(uri, '_blank', 'noopener,noreferrer')));
    term.open(el);
    term.textarea?.setAttribute('aria-label', `Terminal input: ${label}`);

    let ended = false;
    let disposed = false;
    // Scrollback being replayed holds the queries the program sent long ago (a shell's cursor
    // position request at every prompt, device attributes…). xterm answers queries through onData
    // while it parses; those answers must not reach today's process as keystrokes. xterm calls a
    // write's callback right after parsing that chunk and before the next one, so everything
    // onData emits between the replay write and its callback is a reply to replayed output.
    let replaying = 0;
    let sent = { cols: 0, rows: 0 };
    const say = (msg: string): void => setNotice(msg);

    // ---- size: fit to the element, tell the session (debounced; a drag resizes many times) ----
    const sendSize = (): void => {
      if (disposed || ended) return;
      if (term.cols === sent.cols && term.rows === sent.rows) return;
      sent = { cols: term.cols, rows: term.rows };
      setSize(sent);
      store().setLastSize(term.cols, term.rows);
      call('terminal.resize', { sessionId, cols: term.cols, rows: term.rows }).catch(() => undefined);
    };
    const refit = (): void => {
      if (disposed || el.clientWidth === 0 || el.clientHeight === 0) return;
      try {
        fit.fit();
      } catch {
        return; // not rendered yet
      }
      sendSize();
    };
    let fitTimer: ReturnType<typeof setTimeout> | undefined;
    const ro = new ResizeObserver(() => {
      clearTimeout(fitTimer);
      fitTimer = setTimeout(refit, 60);
    });
    ro.observe(el);
    refit();

    // ---- output: replay, then live ----
    const unsubscribe = subscribe(
      'terminal.attach',
      { sessionId },
      (ev) => {
        if (ev.type === 'replay') {
          term.reset();
          replaying++;
          term.write(ev.data, () => {
            replaying--;
          });
          store().update(ev.session);
          ended = ev.session.state === 'exited';
          if (ended) term.write(`\r\n\x1b[2m[${ev.session.endReason ?? 'ended'}]\x1b[0m\r\n`);
          else sent = { cols: 0, rows: 0 }; // re-send our size: another view may have changed it
          term.options.disableStdin = ended;
          refit();
        } else if (ev.type === 'output') {
          term.write(ev.data);
        } else if (ev.type === 'exit') {
          ended = true;
          term.options.disableStdin = true;
          store().update(ev.session);
          term.write(`\r\n\x1b[2m[${ev.session.endReason ?? 'ended'}]\x1b[0m\r\n`);
        } else if (ev.type === 'closed') {
          store().forget(sessionId);
        }
      },
      (err) => {
        if (err.code === 'NOT_FOUND') store().forget(sessionId);
        else say(err.message);
      },
    );

    // ---- input ----
    const onData = term.onData((data) => {
      if (ended || replaying > 0) return;
      for (const chunk of pasteChunks(data)) call('terminal.write', { sessionId, data: chunk }).catch((e: unknown) => say(errorText(e)));
    });

    const copy = async (): Promise<void> => {
      const sel = term.getSelection();
      if (!sel) {
        say('Select text in the terminal first');
        return;
      }
      try {
        await copyText(sel);
        say('Copied');
      } catch (e) {
        say(`Could not copy: ${errorText(e)}`);
      }
    };
    const paste = async (): Promise<void> => {
      try {
        const text = await readClipboard();
        if (text) term.paste(text); // xterm wraps it in bracketed-paste markers when the app asked
        term.focus();
      } catch (e) {
        say(`Could not read the clipboard (${errorText(e)}); use your browser's paste instead`);
      }
    };
    term.attachCustomKeyEventHandler((e) => {
      if (e.type !== 'keydown') return true;
      if (isCopyKey(e, term.hasSelection(), isMac)) {
        e.preventDefault();
        void copy();
        return false;
      }
      if (isPasteKey(e)) {
        e.preventDefault();
        void paste();
        return false;
      }
      return true;
    });
    const onSel = term.onSelectionChange(() => {
      if (store().copyOnSelect && term.hasSelection()) copyText(term.getSelection()).catch(() => undefined);
    });

    onHandle?.({ copy, paste, focus: () => term.focus() });
    term.focus();

    return () => {
      disposed = true;
      onHandle?.(null);
      clearTimeout(fitTimer);
      ro.disconnect();
      unsubscribe();
      onData.dispose();
      onSel.dispose();
      termRef.current = null;
      term.dispose();
    };
    // The pane is keyed by session; label changes only rename the input.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [sessionId]);

  // Follow the app theme (and the OS theme when it is "system").
  useEffect(() => {
    const apply = (): void => {
      if (termRef.current) termRef.current.options.theme = themeFromCss();
    };
    // App sets data-theme in its own effect, which runs after ours: read the variables after it.
    const t = setTimeout(apply, 0);
    const mq = window.matchMedia?.('(prefers-color-scheme: light)');
    mq?.addEventListener('change', apply);
    return () => {
      clearTimeout(t);
      mq?.removeEventListener('change', apply);
    };
  }, [theme]);

  useEffect(() => {
    if (!notice) return;
    const t = setTimeout(() => setNotice(null), 2500);
    return () => clearTimeout(t);
  }, [notice]);

  return (
    <div className="term-pane" data-testid="terminal" data-session-id={sessionId} data-state={state ?? 'running'} data-cols={size?.cols} data-rows={size?.rows}>
      <div className="term-host" ref={host} />
      {notice && (
        <div className="term-notice" role="status">
          {notice}
        </div>
      )}
    </div>
  );
}
