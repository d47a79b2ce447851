import type { AuthenticatorRecord } from '../types';

/**
 * The self-test: `eks-auth-doctor selftest` writes one synthetic denial into a stream of the cluster's
 * log group; the deployed Lambda recognises it and sends "pipeline works" through every sink.
 *
 * Recognition needs both the stream name and the marker. The stream name is chosen by whoever calls
 * PutLogEvents (EKS or us), never by a client of the cluster; the authenticator itself never writes an
 * `error=` that starts with the marker, so a forged token cannot pass for a self-test.
 */
export const SELFTEST_STREAM_PREFIX = 'authenticator-selftest-';
export const SELFTEST_MARKER = 'eks-auth-doctor selftest';

/** The line the self-test writes: an ordinary `access denied`, so the subscription filter passes it. */
export function selftestLine(id: string, time: Date): string {
  const stamp = time.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `time="${stamp}" level=warning msg="access denied" client="127.0.0.1:0" error="${SELFTEST_MARKER} ${id}" method=POST path=/authenticate`;
}

export function isSelftest(logStream: string, record: AuthenticatorRecord): boolean {
  return (
    logStream.startsWith(SELFTEST_STREAM_PREFIX) && (record.fields.error ?? '').startsWith(SELFTEST_MARKER)
  );
}
