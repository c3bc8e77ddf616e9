// Types for electron-vite's `?asset` imports (the file is emitted next to the bundle; the import is its path).
/// <reference types="electron-vite/node" />
