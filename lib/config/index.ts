export * from './auth-doctor-config';
export * from './config-error';
export * from './key-suggestions';
export * from './read-config';
export * from './settings';
