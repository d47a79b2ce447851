export * from './auth-doctor-config';
export * from './config-error';
export * from './read-config';
export * from './settings';
