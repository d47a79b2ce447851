export * from './cluster-logging';
export * from './errors';
export * from './log-group';
export * from './logging-record';
export * from './logging-setup';
export * from './properties';
export * from './provider-events';
export * from './subscription-slot';
