// Lint rules that keep the layers apart (VS Code-style): 'electron' only in the desktop shell and
// the preload; the contract stays common (no node:*, electron or DOM-only code); the renderer never
// reaches into main except through the contract.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import boundaries from 'eslint-plugin-boundaries';
import { layers, layerPolicies } from './eslint.layers.js';

const noElectron = {
  paths: [{ name: 'electron', message: "Only src-main/main.ts, src-main/electron/** and src-preload/** may import 'electron'. Pass capabilities into the core instead." }],
  patterns: [{ group: ['electron/*'], message: "Only the desktop shell may import 'electron'." }],
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'bench/results/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', noElectron],
    },
  },
  {
    // Layer rules (docs/architecture.md "Layers"): which layer may import which, checked on the
    // resolved file, so '../../core/x' from the contract fails wherever it is written.
    files: ['src-main/**/*.ts', 'src-preload/**/*.ts', 'src-renderer/**/*.{ts,tsx}'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': layers,
      'boundaries/legacy-warnings': false,
      'import/resolver': { typescript: { project: ['tsconfig.node.json', 'tsconfig.web.json'], noWarnOnMultipleProjects: true }, node: true },
    },
    rules: { 'boundaries/dependencies': ['error', { default: 'disallow', policies: layerPolicies }] },
  },
  {
    files: ['src-main/main.ts', 'src-main/electron/**', 'src-preload/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src-main/contract/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: noElectron.paths,
          patterns: [
            { group: ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'net', 'http'], message: 'The contract is common code: no Node built-ins.' },
            { group: ['electron/*'], message: 'The contract is common code.' },
            { group: ['../core/*', '../rpc/*', '../electron/*', '../serve/*', 'dockerode', 'ws', 'lowdb'], message: 'The contract may not depend on main-process code.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: noElectron.paths,
          patterns: [
            { group: ['node:*'], message: 'The renderer runs in a browser sandbox.' },
            { group: ['**/src-main/core/**', '**/src-main/rpc/**', '**/src-main/serve/**', '**/src-main/electron/**', 'dockerode', 'ws', 'lowdb'], message: 'The renderer reaches main only through @contract.' },
          ],
        },
      ],
    },
  },
);
