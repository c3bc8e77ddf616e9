import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// Custom layout (not electron-vite's src/{main,preload,renderer} defaults), so every entry is named.
// main builds two entries: the Electron shell (main.ts) and the plain-Node headless server
// (serve.ts). serve.js never imports 'electron', so `node out/main/serve.js` runs without the binary.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      lib: { entry: { main: resolve('src-main/main.ts'), serve: resolve('src-main/serve.ts') } },
    },
  },
  preload: {
    build: {
      // Bundle everything the preload imports: a sandboxed preload cannot require modules. It takes
      // only the RPC client and the procedure kind map from the contract (no zod, no schemas).
      externalizeDeps: false,
      outDir: 'out/preload',
      lib: { entry: resolve('src-preload/index.ts') },
      // Sandboxed preloads must be CommonJS and self-contained (only 'electron' may be required).
      rollupOptions: { output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: 'src-renderer',
    resolve: { alias: { '@contract': resolve('src-main/contract') } },
    build: {
      // electron-vite leaves the renderer unminified by default; minified it is about half the JS.
      minify: true,
      outDir: resolve('out/renderer'),
      rollupOptions: { input: resolve('src-renderer/index.html') },
    },
    plugins: [react()],
  },
});
