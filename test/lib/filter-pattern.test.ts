import { describe, expect, it } from 'vitest';
import {
  AUTHENTICATOR_FILTER_TERMS,
  authenticatorFilterPattern,
  MAX_FILTER_PATTERN_LENGTH,
} from '../../lib/filter-pattern';
import { RECORD_FIXTURES } from '../lambda/engine/fixtures/record-lines';

/**
 * What CloudWatch Logs does with an `?"a" ?"b"` pattern: the event passes when it contains any of the
 * quoted terms, case-sensitively. Used to read the terms against real authenticator lines.
 */
function passes(line: string): boolean {
  return AUTHENTICATOR_FILTER_TERMS.some((term) => line.includes(term));
}

const LINES = {
  denialWithoutArn:
    'time="2022-12-26T20:46:48Z" level=warning msg="access denied" client="127.0.0.1:43440" error="sts getCallerIdentity failed: error from AWS (expected 200, got 403)." method=POST path=/authenticate',
  denialWithArn:
    'time="2022-12-28T15:37:19Z" level=warning msg="access denied" arn="arn:aws:iam::111122223333:role/admin-test-role" client="127.0.0.1:33384" error="ARN is not mapped" method=POST path=/authenticate',
  configmapWarning:
    'time="2024-01-01T00:00:00Z" level=warning msg="Errors parsing configmap: [yaml: line 3: mapping values are not allowed]"',
  configMapsError:
    'time="2024-01-01T00:00:00Z" level=error msg="There was an error parsing the config maps.  Only saving data that was good, [yaml: line 3]"',
  configMapBare:
    'time="2024-01-01T00:00:00Z" level=error msg="error parsing config map: [value for userarn must be supplied]"',
  selftest:
    'time="2026-01-01T00:00:00Z" level=warning msg="access denied" client="127.0.0.1:0" error="eks-auth-doctor selftest 1" method=POST path=/authenticate',
  granted:
    'time="2022-05-26T18:55:30Z" level=info msg="access granted" arn="arn:aws:iam::123456789000:user/testuser" client="127.0.0.1:57586" groups="[system:masters]" method=POST path=/authenticate uid="aws-iam-authenticator:123456789000:AROAFFXXXXXXXXXX" username=kubernetes-admin',
  stsResponse:
    'time="2023-05-01T00:00:00Z" level=info msg="STS response" accesskeyid=ASIAXXXX accountid=111122223333 arn="arn:aws:sts::111122223333:assumed-role/dev/alice" client="127.0.0.1:40378" method=POST path=/authenticate session=alice userid=AROAXXXX',
  watch: 'time="2024-01-01T00:00:00Z" level=warning msg="Watch channel closed. Reconnecting..."',
  stsAccessDeniedCode:
    'time="2024-01-01T00:00:00Z" level=info msg="STS response" error="{\\"Code\\":\\"AccessDenied\\"}"',
};

describe('the subscription filter pattern', () => {
  it("is the any-term pattern of the phrases, each quoted, within CloudWatch's 1024 characters", () => {
    // Act
    const pattern = authenticatorFilterPattern().logPatternString;

    // Assess
    expect(pattern).toBe(
      '?"access denied" ?"parsing configmap" ?"parsing the config maps" ?"parsing config map" ?"configmap on delete" ?"unmarshal dynamic file" ?"parsing dynamic file" ?"dynamicfileUserIDStrict" ?"BackendMode dynamic file" ?"load/generate a certificate" ?"create webhook kubeconfig" ?"open TLS listener" ?"build mapper chain" ?"start mapper" ?"load AWS config" ?"load config" ?"is not a valid arn, err:" ?"invalid server" ?"invalid reserved prefix config" ?"cluster ID cannot be empty" ?"Batch call failed" ?"wait for caches to sync" ?"level=fatal" ?"level=panic"',
    );
    expect(pattern.length).toBe(555);
    expect(pattern.length).toBeLessThanOrEqual(MAX_FILTER_PATTERN_LENGTH);
  });

  it.each(
    RECORD_FIXTURES.filter((fixture) =>
      [
        'AUTHENTICATOR_DOWN',
        'AWS_AUTH_DELETED',
        'ACCESS_ENTRY_FILE_ERROR',
        'AUTH_MODE_SWITCHED',
        'EC2_BATCH_FAILED',
        'CRD_SYNC_FAILED',
      ].includes(fixture.category),
    ).map((fixture) => [fixture.category, fixture.variant, fixture.line] as const),
  )('passes the cluster-wide breakage %s (%s)', (_category, _variant, line) => {
    expect(passes(line)).toBe(true);
  });

  it.each(
    RECORD_FIXTURES.filter((fixture) =>
      [
        'ACCESS_GRANTED',
        'STS_RESPONSE',
        'AUTHENTICATOR_STARTED',
        'MAPPER_STARTED',
        'MAPPING_LOADED',
        'WATCH_ERROR',
        'CRD_CONTROLLER',
      ].includes(fixture.category),
    ).map((fixture) => [fixture.category, fixture.variant, fixture.line] as const),
  )('keeps out the %s line (%s)', (_category, _variant, line) => {
    expect(passes(line)).toBe(false);
  });

  it('passes every access-denied line, self-tests included', () => {
    expect([LINES.denialWithoutArn, LINES.denialWithArn, LINES.selftest].map(passes)).toEqual([
      true,
      true,
      true,
    ]);
  });

  it('passes each wording of an aws-auth parse error', () => {
    expect([LINES.configmapWarning, LINES.configMapsError, LINES.configMapBare].map(passes)).toEqual([
      true,
      true,
      true,
    ]);
  });

  it('keeps out successful authentications, STS responses and watch noise', () => {
    expect([LINES.granted, LINES.stsResponse, LINES.watch, LINES.stsAccessDeniedCode].map(passes)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});
