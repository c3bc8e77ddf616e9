// vitest aliases 'electron' to this file: core code and tests must never load Electron (it is not
// even installed on CI). Importing it fails loudly instead of hanging or half-working.
throw new Error('electron must not be loaded in core/tests');
