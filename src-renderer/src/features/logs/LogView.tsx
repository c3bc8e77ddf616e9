// The log viewer used by a container's Logs tab and by a compose project's merged logs: a
// virtualized list over a bounded buffer (only the visible rows are in the DOM), follow mode that
// pauses when the user scrolls up, search with highlights and next/previous, an "only matching
// lines" filter (plain text or regex), timestamps and wrap toggles, a since/until range, load
// earlier, restart markers, download and clear.
import { useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { call, errorText, transportKind } from '../../transport/client';
import { useApp } from '../../stores/app-store';
import { parseAnsi, styleToCss } from './ansi';
import { matchRanges, type LogEntry } from './log-model';
import { formatCount, formatTimestamp, localInputToIso, serviceSlot } from './log-presenter';
import { useLogStream, type LogRange, type LogSource } from './use-log-stream';
import './logs.css';

const ROW_H = 19;
const EARLIER_BATCH = 1000;

/** A line's text as React nodes: ANSI colours as styled spans, search matches as <mark>. */
function LineText({ entry, re }: { entry: Extract<LogEntry, { kind: 'line' }>; re: RegExp | null }) {
  const segments = parseAnsi(entry.text.endsWith('\r') ? entry.text.slice(0, -1) : entry.text);
  const ranges = matchRanges(re, entry.plain);
  const out: ReactNode[] = [];
  let offset = 0;
  let r = 0;
  segments.forEach((seg, si) => {
    const css = seg.style ? styleToCss(seg.style) : undefined;
    const end = offset + seg.text.length;
    let pos = offset;
    const parts: ReactNode[] = [];
    while (pos < end) {
      while (r < ranges.length && ranges[r]![1] <= pos) r++;
      const range = ranges[r];
      if (!range || range[0] >= end) {
        parts.push(seg.text.slice(pos - offset));
        pos = end;
      } else if (range[0] > pos) {
        parts.push(seg.text.slice(pos - offset, range[0] - offset));
        pos = range[0];
      } else {
        const stop = Math.min(range[1], end);
        parts.push(
          <mark key={`m${pos}`} className="log-hit">
            {seg.text.slice(pos - offset, stop - offset)}
          </mark>,
        );
        pos = stop;
      }
    }
    out.push(
      css ? (
        <span key={si} style={css}>
          {parts}
        </span>
      ) : (
        parts.map((p, pi) => (typeof p === 'string' ? <span key={`${si}-${pi}`}>{p}</span> : p))
      ),
    );
    offset = end;
  });
  return <>{out}</>;
}

export function LogView({ source, label }: { source: LogSource; label: string }) {
  const capacity = useApp((a) => a.settings?.logBuffer ?? 50_000);
  const [range, setRange] = useState<LogRange>({});
  const [sinceDraft, setSinceDraft] = useState('');
  const [untilDraft, setUntilDraft] = useState('');
  const { model, version, status, retry, changed } = useLogStream(source, range, capacity);

  const [query, setQuery] = useState('');
  const [regex, setRegex] = useState(false);
  const [matchCase, setMatchCase] = useState(false);
  const [filterOnly, setFilterOnly] = useState(false);
  const [showTs, setShowTs] = useState(false);
  const [wrap, setWrap] = useState(false);
  const [following, setFollowing] = useState(true);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  /** The current match, as an absolute buffer position (stable while lines arrive or drop). */
  const [curAbs, setCurAbs] = useState<number | null>(null);
  const [earlier, setEarlier] = useState<{ busy: boolean; none: boolean; error?: string }>({ busy: false, none: false });
  const [saveMsg, setSaveMsg] = useState<string | null>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const lastTop = useRef(0);
  const anchor = useRef<{ key: number; offset: number } | null>(null);
  const ids = useId();

  useEffect(() => {
    model.setQuery({ query, regex, matchCase, filterOnly });
    setCurAbs(null);
    changed();
  }, [model, query, regex, matchCase, filterOnly, changed]);

  useEffect(() => {
    model.setHidden(hidden);
    changed();
  }, [model, hidden, changed]);

  useEffect(() => {
    setEarlier({ busy: false, none: false });
  }, [range.since, range.until]);

  const count = model.viewLength;
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read fresh on every render, never memoized
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_H,
    getItemKey: (i) => model.viewAt(i)?.key ?? i,
    overscan: 20,
  });

  // Follow: stay at the bottom as lines arrive. Paused: keep the line under the user's eyes in
  // place even when older lines drop off the front or earlier lines are loaded above it.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    if (following) {
      el.scrollTop = el.scrollHeight;
      lastTop.current = el.scrollTop;
    } else if (anchor.current) {
      const idx = model.viewIndexOfKey(anchor.current.key);
      const top = wrap ? (virtualizer.measurementsCache[idx]?.start ?? idx * ROW_H) : idx * ROW_H;
      const want = top + anchor.current.offset;
      if (Math.abs(el.scrollTop - want) > 1) {
        el.scrollTop = want;
        lastTop.current = el.scrollTop;
      }
    }
  }, [version, following, count, model, wrap, virtualizer]);

  const onScroll = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < ROW_H + 2;
    if (el.scrollTop < lastTop.current - 1 && !atBottom) setFollowing(false);
    else if (atBottom) setFollowing(true);
    lastTop.current = el.scrollTop;
    const first = virtualizer.getVirtualItems().find((v) => v.end > el.scrollTop);
    const entry = first ? model.viewAt(first.index) : undefined;
    anchor.current = first && entry ? { key: entry.key, offset: el.scrollTop - first.start } : null;
  }, [model, virtualizer]);

  const jumpToLatest = (): void => {
    anchor.current = null;
    setFollowing(true);
  };

  const goToMatch = (dir: 1 | -1): void => {
    const n = model.matchCount;
    if (n === 0) return;
    let i: number;
    if (curAbs === null) {
      const el = scrollRef.current;
      const firstVisible = el ? Math.floor(el.scrollTop / ROW_H) : 0;
      i = model.matchAtOrAfter(firstVisible);
      if (dir < 0) i -= 1;
    } else {
      const at = model.matchIndexOfAbs(curAbs);
      const exact = model.matchAbsAt(at) === curAbs;
      i = dir > 0 ? (exact ? at + 1 : at) : at - 1;
    }
    i = ((i % n) + n) % n;
    const abs = model.matchAbsAt(i)!;
    setCurAbs(abs);
    setFollowing(false);
    const idx = model.viewIndexOfAbs(abs);
    // Anchor on the match itself, so the paused view's anchoring keeps it in place (centred).
    const el = scrollRef.current;
    const entry = model.viewAt(idx);
    if (el && entry) anchor.current = { key: entry.key, offset: -Math.max(0, Math.floor(el.clientHeight / 2 - ROW_H / 2)) };
    virtualizer.scrollToIndex(idx, { align: 'center' });
  };

  const matchCount = model.matchCount;
  const curIndex = curAbs === null ? -1 : model.matchAbsAt(model.matchIndexOfAbs(curAbs)) === curAbs ? model.matchIndexOfAbs(curAbs) : -1;
  const re = model.highlight;
  const regexError = model.error;

  const loadEarlier = async (): Promise<void> => {
    if (source.kind !== 'container') return;
    const room = capacity - model.size;
    if (room <= 0) return;
    const oldest = model.oldest();
    setEarlier({ busy: true, none: false });
    try {
      const r = await call('logs.earlier', { hostId: source.hostId, id: source.id, before: oldest?.ts ?? Date.now(), have: oldest?.sameMs ?? 0, limit: Math.min(EARLIER_BATCH, room) });
      if (!following) {
        // Keep the view where it is (the anchor finds its line again below the new ones).
      } else setFollowing(false);
      model.prepend(r.lines);
      changed();
      setEarlier({ busy: false, none: !r.more });
    } catch (e) {
      setEarlier({ busy: false, none: false, error: errorText(e) });
    }
  };

  const download = async (): Promise<void> => {
    if (source.kind !== 'container') return;
    setSaveMsg('Saving…');
    try {
      const r = await call('logs.saveToFile', { hostId: source.hostId, id: source.id, timestamps: true });
      setSaveMsg(r.path ? `Saved ${formatCount(r.bytes)} bytes to ${r.path}` : null);
    } catch (e) {
      setSaveMsg(errorText(e));
    }
  };

  const services = useMemo(() => [...new Set(status.sources.map((s) => s.src))].sort(), [status.sources]);
  const srcWidth = `${Math.max(4, ...services.map((s) => s.length)) + 1}ch`;
  const full = model.size >= capacity;

  const statusText = (() => {
    switch (status.phase) {
      case 'loading':
        return 'Loading…';
      case 'live':
        return following ? 'Following' : 'Paused (scrolled up)';
      case 'exited':
        return `Container exited${status.exitCode !== undefined ? ` (code ${status.exitCode})` : ''}; waiting for it to start again`;
      case 'removed':
        return 'The container was removed';
      case 'complete':
        return 'Range loaded';
      case 'error':
        return `Logs unavailable: ${status.error?.message ?? 'unknown error'}`;
    }
  })();

  const items = virtualizer.getVirtualItems();
  return (
    <div
      className={`logs${wrap ? ' logs-wrap' : ''}`}
      data-testid="log-view"
      onKeyDown={(e) => {
        // Ctrl/Cmd+F searches the log rather than the page (which only holds the visible rows).
        if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'f') {
          e.preventDefault();
          searchRef.current?.focus();
          searchRef.current?.select();
        }
      }}
    >
      <div className="logs-toolbar" role="toolbar" aria-label={`Log controls for ${label}`}>
        <div className="logs-search">
          <input
            ref={searchRef}
            type="search"
            className="logs-input"
            placeholder={regex ? 'Regular expression…' : 'Search…'}
            aria-label="Search logs"
            aria-invalid={regexError ? true : undefined}
            aria-describedby={regexError ? `${ids}-re` : undefined}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                goToMatch(e.shiftKey ? -1 : 1);
              }
            }}
          />
          <span className="logs-count muted small" role="status" aria-live="polite" data-testid="match-count">
            {query === '' || regexError ? '' : matchCount === 0 ? 'No matches' : curIndex >= 0 ? `${formatCount(curIndex + 1)} of ${formatCount(matchCount)}` : `${formatCount(matchCount)} match${matchCount === 1 ? '' : 'es'}`}
          </span>
          <button type="button" className="btn btn-sm btn-ghost" aria-label="Previous match" title="Previous match (Shift+Enter)" disabled={matchCount === 0} onClick={() => goToMatch(-1)}>
            ↑
          </button>
          <button type="button" className="btn btn-sm btn-ghost" aria-label="Next match" title="Next match (Enter)" disabled={matchCount === 0} onClick={() => goToMatch(1)}>
            ↓
          </button>
          <label className="check logs-check">
            <input type="checkbox" checked={regex} onChange={(e) => setRegex(e.target.checked)} /> Regex
          </label>
          <label className="check logs-check">
            <input type="checkbox" checked={matchCase} onChange={(e) => setMatchCase(e.target.checked)} /> Match case
          </label>
          <label className="check logs-check">
            <input type="checkbox" checked={filterOnly} onChange={(e) => setFilterOnly(e.target.checked)} /> Only matching lines
          </label>
        </div>
        <div className="logs-options">
          <label className="check logs-check">
            <input type="checkbox" checked={showTs} onChange={(e) => setShowTs(e.target.checked)} /> Timestamps
          </label>
          <label className="check logs-check">
            <input type="checkbox" checked={wrap} onChange={(e) => setWrap(e.target.checked)} /> Wrap lines
          </label>
          {source.kind === 'container' && (
            <button type="button" className="btn btn-sm" onClick={() => void loadEarlier()} disabled={earlier.busy || earlier.none || full || range.since !== undefined} title={full ? `The view holds its maximum of ${formatCount(capacity)} lines (Settings); download the full log instead` : earlier.none ? 'No earlier lines' : undefined}>
              {earlier.busy ? 'Loading…' : earlier.none ? 'No earlier lines' : 'Load earlier'}
            </button>
          )}
          {source.kind === 'container' &&
            (transportKind() === 'ws' ? (
              <a className="btn btn-sm" href={`/api/logs/${encodeURIComponent(source.hostId)}/${encodeURIComponent(source.id)}?timestamps=1`} download aria-label="Download logs">
                Download
              </a>
            ) : (
              <button type="button" className="btn btn-sm" aria-label="Download logs" onClick={() => void download()}>
                Download
              </button>
            ))}
          <button
            type="button"
            className="btn btn-sm"
            aria-label="Clear view"
            title="Clear the view (the container's log is not touched)"
            onClick={() => {
              model.clear();
              setCurAbs(null);
              changed();
            }}
          >
            Clear
          </button>
        </div>
      </div>
      {source.kind === 'container' && (
        <form
          className="logs-range"
          aria-label="Time range"
          onSubmit={(e) => {
            e.preventDefault();
            setRange({ since: localInputToIso(sinceDraft), until: localInputToIso(untilDraft) });
            setFollowing(!untilDraft);
          }}
        >
          <label className="logs-range-field">
            <span className="muted small">Since</span>
            <input type="datetime-local" step="1" aria-label="Since" value={sinceDraft} onChange={(e) => setSinceDraft(e.target.value)} />
          </label>
          <label className="logs-range-field">
            <span className="muted small">Until</span>
            <input type="datetime-local" step="1" aria-label="Until" value={untilDraft} onChange={(e) => setUntilDraft(e.target.value)} />
          </label>
          <button type="submit" className="btn btn-sm" disabled={!sinceDraft && !untilDraft && !range.since && !range.until}>
            Apply range
          </button>
          {(range.since || range.until) && (
            <button
              type="button"
              className="btn btn-sm btn-ghost"
              onClick={() => {
                setSinceDraft('');
                setUntilDraft('');
                setRange({});
                setFollowing(true);
              }}
            >
              Clear range
            </button>
          )}
        </form>
      )}
      {source.kind === 'project' && services.length > 0 && (
        <div className="logs-services" role="group" aria-label="Services">
          {services.map((s) => (
            <label key={s} className={`check logs-check logs-svc svc-${serviceSlot(s)}`}>
              <input
                type="checkbox"
                aria-label={`Show service ${s}`}
                checked={!hidden.has(s)}
                onChange={(e) => {
                  const next = new Set(hidden);
                  if (e.target.checked) next.delete(s);
                  else next.add(s);
                  setHidden(next);
                }}
              />
              <span className="logs-svc-swatch" aria-hidden />
              {s}
            </label>
          ))}
        </div>
      )}
      {regexError && (
        <div className="logs-inline-error" role="alert" id={`${ids}-re`}>
          Invalid regular expression: {regexError}
        </div>
      )}
      {earlier.error && (
        <div className="logs-inline-error" role="alert">
          Could not load earlier lines: {earlier.error}
        </div>
      )}
      {saveMsg && (
        <div className="logs-inline-note muted small" role="status">
          {saveMsg}
        </div>
      )}
      <div className="logs-body">
        <div
          ref={scrollRef}
          className="logs-scroll"
          onScroll={onScroll}
          role="log"
          aria-live="off"
          aria-label={`Log lines of ${label}`}
          tabIndex={0}
          data-testid="log-scroll"
        >
          <div className="logs-inner" style={{ height: virtualizer.getTotalSize() }}>
            {items.map((v) => {
              const e = model.viewAt(v.index);
              if (!e) return null;
              const style = { transform: `translateY(${v.start}px)`, ...(wrap ? {} : { height: ROW_H }) };
              if (e.kind === 'marker') {
                return (
                  <div key={v.key} ref={wrap ? virtualizer.measureElement : undefined} data-index={v.index} className="log-marker" data-testid="log-marker" role="separator" aria-label={e.text} style={style}>
                    {e.text}
                  </div>
                );
              }
              const isCur = curAbs !== null && model.absOfView(v.index) === curAbs;
              return (
                <div
                  key={v.key}
                  ref={wrap ? virtualizer.measureElement : undefined}
                  data-index={v.index}
                  className={`log-row log-${e.stream}${isCur ? ' log-current' : ''}`}
                  data-testid="log-line"
                  data-stream={e.stream}
                  style={style}
                >
                  {showTs && <span className="log-ts">{formatTimestamp(e.ts)}</span>}
                  {e.src !== undefined && (
                    <span className={`log-src svc-${serviceSlot(e.src)}`} style={{ width: srcWidth }}>
                      {e.src}
                    </span>
                  )}
                  <span className="log-gutter" title={e.stream} aria-label={e.stream === 'stderr' ? 'stderr' : undefined}>
                    {e.stream === 'stderr' ? 'err' : ''}
                  </span>
                  <span className="log-text">
                    <LineText entry={e} re={re} />
                  </span>
                </div>
              );
            })}
          </div>
          {count === 0 && status.phase !== 'loading' && <div className="logs-empty muted">{model.size === 0 ? 'No log lines yet.' : 'No lines match.'}</div>}
        </div>
        {!following && (
          <button type="button" className="btn btn-sm btn-primary logs-jump" onClick={jumpToLatest}>
            Jump to latest ↓
          </button>
        )}
      </div>
      <div className="logs-status small" data-testid="log-status" data-phase={status.phase}>
        <span role="status">{statusText}</span>
        {status.phase === 'error' && (
          <button type="button" className="btn btn-sm btn-ghost" onClick={retry}>
            Retry
          </button>
        )}
        <span className="muted">
          {formatCount(model.size)} line{model.size === 1 ? '' : 's'}
          {model.droppedCount > 0 ? ` · oldest ${formatCount(model.droppedCount)} dropped (view keeps ${formatCount(capacity)})` : ''}
          {filterOnly && re ? ` · ${formatCount(count)} shown` : ''}
        </span>
      </div>
    </div>
  );
}
