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
      // Bundle the contract's dependencies (zod) into the preload: a sandboxed preload cannot require them.
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
      outDir: resolve('out/renderer'),
      rollupOptions: { input: resolve('src-renderer/index.html') },
    },
    plugins: [react()],
  },
});
