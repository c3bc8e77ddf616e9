// Types for node-requirements.mjs (plain JS so bin/wakedock.js can load it without a build).
export type NodeCommand = 'desktop' | 'serve' | 'test';
export const NODE_REQUIREMENTS: Record<NodeCommand, { min: [number, number, number]; what: string }>;
export function parseNodeVersion(v: string): [number, number, number] | undefined;
export function nodeProblem(command: NodeCommand, version: string): string | null;
