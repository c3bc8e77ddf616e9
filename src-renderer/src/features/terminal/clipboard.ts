// Copy and paste for terminals. In a terminal Ctrl+C and Ctrl+V belong to the program (interrupt,
// literal next), so the shortcuts are Ctrl+Shift+C / Ctrl+Shift+V as in GNOME Terminal and VS Code;
// on macOS Cmd+C / Cmd+V, which a terminal never receives anyway.

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

type KeyLike = Pick<KeyboardEvent, 'ctrlKey' | 'shiftKey' | 'metaKey' | 'altKey' | 'code' | 'key'>;

function letter(e: KeyLike, l: string): boolean {
  return e.code === `Key${l.toUpperCase()}` || e.key.toLowerCase() === l;
}

export function isCopyKey(e: KeyLike, hasSelection: boolean, mac = isMac): boolean {
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

export async function copyText(text: string): Promise<void> {
  if (!navigator.clipboard?.writeText) throw new Error('the clipboard is not available here');
  await navigator.clipboard.writeText(text);
}

export async function readClipboard(): Promise<string> {
  if (!navigator.clipboard?.readText) throw new Error('the clipboard is not available here');
  return navigator.clipboard.readText();
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
