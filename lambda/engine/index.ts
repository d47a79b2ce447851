/** The diagnosis engine: pure functions shared by the Lambda and the CLI. No AWS calls live here. */

export { alertOf, type Occurrences } from './alert';
export * from './arn';
export * from './categories';
export { categoryOf, classify } from './classify';
export { categorizeDenial } from './denial-rules';
export { createLineDiagnoser, type LineDiagnoser } from './diagnose-lines';
export { identitySubCause } from './identity-sub-cause';
export { StsResponseJoin } from './join';
export { LogMemory } from './log-memory';
export { parseLine } from './parse';
export { fingerprint, problemKey } from './problem-key';
export { remediate } from './remediate';
export * from './render';
export * from './selftest';
export * from './types';
