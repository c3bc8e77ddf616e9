// COMMON entry point of the contract.
export * from './container-status';
export * from './errors';
export * from './models';
export * from './procedures';
export * from './protocol';
export * from './rpc-client';
