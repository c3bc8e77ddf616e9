import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { setTransport } from './transport/client';
import { createIpcTransport, preloadBridge } from './transport/ipc-transport';
import { createWsTransport, wsUrlFromLocation } from './transport/ws-transport';
import './styles.css';

// Desktop: the preload put the bridge on window. Browser (wakedock serve): WebSocket to the core.
const bridge = preloadBridge();
setTransport(bridge ? createIpcTransport(bridge) : createWsTransport(wsUrlFromLocation(window.location)));

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
