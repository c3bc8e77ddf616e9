// Sandboxed preload (bundled to out/preload/index.cjs; only 'electron' is required at runtime).
// It exposes exactly window.wakedock = { call, subscribe, unsubscribe } and nothing else: the
// page never sees ipcRenderer, so it can only speak the contract, which main validates again.
// Main tears the page's streams down itself when the document goes away (navigation, reload,
// crash, close), so no unload handler is needed here.
import { contextBridge, ipcRenderer } from 'electron';
import { createPreloadBridge } from './bridge';

const { api } = createPreloadBridge(ipcRenderer);

contextBridge.exposeInMainWorld('wakedock', {
  call: api.call,
  subscribe: api.subscribe,
  unsubscribe: api.unsubscribe,
});
