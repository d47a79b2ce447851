/**
 * The contract between the stack (`lib/`) and the deployed code (`lambda/`): what both sides must spell
 * the same. It lives on the runtime side and imports nothing; `lib/` imports it, never the reverse.
 */
export * from './authenticator-messages';
export * from './chatbot';
export * from './environment';
export * from './names';
export * from './settings';
export * from './sweep';
export * from './telemetry';
export * from './watch';
