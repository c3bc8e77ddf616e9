// Terminal shortcuts and paste chunking: pure (no DOM), unit-tested under Node. In a terminal
// Ctrl+C and Ctrl+V belong to the program (interrupt, literal next), so the shortcuts are
// Ctrl+Shift+C / Ctrl+Shift+V as in GNOME Terminal and VS Code; on macOS Cmd+C / Cmd+V, which a
// terminal never receives anyway.

export interface KeyLike {
  ctrlKey: boolean;
  shiftKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  code: string;
  key: string;
}

function letter(e: KeyLike, l: string): boolean {
  return e.code === `Key${l.toUpperCase()}` || e.key.toLowerCase() === l;
}

export function isCopyKey(e: KeyLike, hasSelection: boolean, mac: boolean): boolean {
  if (e.altKey || !letter(e, 'c')) return false;
  if (e.ctrlKey && e.shiftKey && !e.metaKey) return true;
  // Cmd+C copies when there is a selection (otherwise nothing to do; never an interrupt on macOS).
  return mac && e.metaKey && !e.ctrlKey && hasSelection;
}

/** Cmd+V on macOS is left to the browser: its native paste event reaches xterm without any permission. */
export function isPasteKey(e: KeyLike): boolean {
  if (e.altKey || !letter(e, 'v')) return false;
  return e.ctrlKey && e.shiftKey && !e.metaKey;
}

/** terminal.write takes at most 64 KiB; a large paste goes in order, in pieces. */
export function pasteChunks(data: string, max = 32 * 1024): string[] {
  if (data.length <= max) return [data];
  const out: string[] = [];
  for (let i = 0; i < data.length; ) {
    let end = Math.min(i + max, data.length);
    // Never split a surrogate pair across two writes.
    const c = data.charCodeAt(end - 1);
    if (end < data.length && c >= 0xd800 && c <= 0xdbff) end--;
    out.push(data.slice(i, end));
    i = end;
  }
  return out;
}
