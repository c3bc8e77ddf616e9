import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { setTransport } from './transport/client';
import { createIpcTransport, preloadBridge } from './transport/ipc-transport';
import { createWsTransport, urlWithoutToken, wsUrlFromLocation } from './transport/ws-transport';
import './styles.css';

// Desktop: the preload put the bridge on window. Browser (wakedock serve): WebSocket to the core.
const bridge = preloadBridge();
if (bridge) setTransport(createIpcTransport(bridge));
else {
  // The token leaves the address bar: the page load exchanged it for this port's session cookie.
  const clean = urlWithoutToken(window.location.href);
  if (clean !== null) history.replaceState(history.state, '', clean);
  setTransport(createWsTransport(wsUrlFromLocation(window.location)));
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
