// The desktop half of "download logs": the core streams the log to a path, and only the main
// process may choose that path (a save dialog), so the renderer can never name a file to write.
import { app, dialog, type BrowserWindow } from 'electron';
import { join } from 'node:path';

export async function askSavePath(win: BrowserWindow | null, suggestedName: string): Promise<string | null> {
  const options = {
    title: 'Save logs',
    defaultPath: join(app.getPath('downloads'), suggestedName),
    filters: [
      { name: 'Log files', extensions: ['log', 'txt'] },
      { name: 'All files', extensions: ['*'] },
    ],
  };
  const r = win && !win.isDestroyed() ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
  return r.canceled || !r.filePath ? null : r.filePath;
}
