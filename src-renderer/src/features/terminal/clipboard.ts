// The system clipboard for terminals (Copy/Paste buttons and shortcuts). In the desktop app the
// Electron session grants clipboard access to the app page only; in a browser it may ask the user.

export const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

export async function copyText(text: string): Promise<void> {
  if (!navigator.clipboard?.writeText) throw new Error('the clipboard is not available here');
  await navigator.clipboard.writeText(text);
}

export async function readClipboard(): Promise<string> {
  if (!navigator.clipboard?.readText) throw new Error('the clipboard is not available here');
  return navigator.clipboard.readText();
}
