// A small SGR (colour/style) parser for log lines: text → styled segments rendered as React spans,
// never as HTML. Other escape sequences (cursor moves, OSC titles…) are hidden from the display
// (the line's text itself is kept as the container wrote it, for search and download).

export interface AnsiStyle {
  fg?: string;
  bg?: string;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
  inverse?: boolean;
  strike?: boolean;
}

export interface Segment {
  text: string;
  style: AnsiStyle | null;
}

/** The 16 base colours as CSS variables (themes define them), then the 256-colour cube and greys. */
const BASE = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'];
function color256(n: number): string | undefined {
  if (n < 0 || n > 255 || !Number.isInteger(n)) return undefined;
  if (n < 8) return `var(--ansi-${BASE[n]})`;
  if (n < 16) return `var(--ansi-bright-${BASE[n - 8]})`;
  if (n < 232) {
    const i = n - 16;
    const v = (x: number): number => (x === 0 ? 0 : 55 + x * 40);
    return `rgb(${v(Math.floor(i / 36))}, ${v(Math.floor(i / 6) % 6)}, ${v(i % 6)})`;
  }
  const g = 8 + (n - 232) * 10;
  return `rgb(${g}, ${g}, ${g})`;
}

// ESC [ params final  |  ESC ] … BEL/ST  |  other two-byte ESC sequences
// eslint-disable-next-line no-control-regex -- matching escape sequences is the point
const ESCAPES = /\x1b\[([0-9;:?<=>]*)([ -/]*[@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]/g;

export function hasEscapes(text: string): boolean {
  return text.includes('\x1b');
}

/** The text a user sees (escape sequences removed): what search and filters match against. */
export function plainText(text: string): string {
  return hasEscapes(text) ? text.replace(ESCAPES, '') : text;
}

function applySgr(style: AnsiStyle, params: string): AnsiStyle {
  const codes = params === '' ? [0] : params.split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)));
  let s: AnsiStyle = { ...style };
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    if (c === 0) s = {};
    else if (c === 1) s.bold = true;
    else if (c === 2) s.dim = true;
    else if (c === 3) s.italic = true;
    else if (c === 4) s.underline = true;
    else if (c === 7) s.inverse = true;
    else if (c === 9) s.strike = true;
    else if (c === 22) s.bold = s.dim = false;
    else if (c === 23) s.italic = false;
    else if (c === 24) s.underline = false;
    else if (c === 27) s.inverse = false;
    else if (c === 29) s.strike = false;
    else if (c >= 30 && c <= 37) s.fg = color256(c - 30);
    else if (c >= 90 && c <= 97) s.fg = color256(c - 90 + 8);
    else if (c === 39) s.fg = undefined;
    else if (c >= 40 && c <= 47) s.bg = color256(c - 40);
    else if (c >= 100 && c <= 107) s.bg = color256(c - 100 + 8);
    else if (c === 49) s.bg = undefined;
    else if (c === 38 || c === 48) {
      let col: string | undefined;
      if (codes[i + 1] === 5) {
        col = color256(codes[i + 2] ?? -1);
        i += 2;
      } else if (codes[i + 1] === 2) {
        const [r, g, b] = [codes[i + 2], codes[i + 3], codes[i + 4]].map((x) => Math.max(0, Math.min(255, x ?? 0)));
        col = `rgb(${r}, ${g}, ${b})`;
        i += 4;
      }
      if (c === 38) s.fg = col;
      else s.bg = col;
    }
  }
  return s;
}

const isPlain = (s: AnsiStyle): boolean => !s.fg && !s.bg && !s.bold && !s.dim && !s.italic && !s.underline && !s.inverse && !s.strike;

/** Split a line into styled segments. Offsets of the concatenated segment texts equal plainText(). */
export function parseAnsi(text: string): Segment[] {
  if (!hasEscapes(text)) return [{ text, style: null }];
  const out: Segment[] = [];
  let style: AnsiStyle = {};
  let last = 0;
  ESCAPES.lastIndex = 0;
  for (let m = ESCAPES.exec(text); m; m = ESCAPES.exec(text)) {
    if (m.index > last) out.push({ text: text.slice(last, m.index), style: isPlain(style) ? null : style });
    if (m[2] === 'm') style = applySgr(style, m[1] ?? '');
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), style: isPlain(style) ? null : style });
  return out;
}

/** CSS for a style (inverse swaps colours; defaults come from the theme). */
export function styleToCss(s: AnsiStyle): Record<string, string> {
  const css: Record<string, string> = {};
  let fg = s.fg;
  let bg = s.bg;
  if (s.inverse) {
    [fg, bg] = [bg ?? 'var(--log-bg)', fg ?? 'var(--text)'];
  }
  if (fg) css.color = fg;
  if (bg) css.backgroundColor = bg;
  if (s.bold) css.fontWeight = '700';
  if (s.dim) css.opacity = '0.65';
  if (s.italic) css.fontStyle = 'italic';
  const deco = [s.underline ? 'underline' : '', s.strike ? 'line-through' : ''].filter(Boolean).join(' ');
  if (deco) css.textDecoration = deco;
  return css;
}
