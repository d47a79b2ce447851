import { describe, expect, it } from 'vitest';
import { unquoteGo } from '../../../../lambda/engine/parse/go-quote';
import { parseLine, TimeStrings } from '../../../../lambda/engine/parse/parse';

const RAW =
  'time="2022-12-28T15:37:19Z" level=warning msg="access denied" arn="arn:aws:iam::111122223333:role/admin-test-role" client="127.0.0.1:33384" error="ARN is not mapped" method=POST path=/authenticate';

const EXPECTED = {
  time: '2022-12-28T15:37:19Z',
  level: 'warning',
  msg: 'access denied',
  fields: {
    arn: 'arn:aws:iam::111122223333:role/admin-test-role',
    client: '127.0.0.1:33384',
    error: 'ARN is not mapped',
    method: 'POST',
    path: '/authenticate',
  },
};
const ALL = { allFields: true };

describe('parsing the raw logrus text EKS writes', () => {
  it('reads time, level, msg and the other fields, quoted or bare', () => {
    expect(parseLine(RAW, ALL)).toEqual(EXPECTED);
  });

  it('copies only the fields the classifier reads unless asked for all', () => {
    expect(parseLine(RAW)?.fields).toEqual({
      arn: 'arn:aws:iam::111122223333:role/admin-test-role',
      client: '127.0.0.1:33384',
      error: 'ARN is not mapped',
    });
  });

  it('keeps the old EKS fork sts= field when asked for all fields', () => {
    expect(parseLine(`${RAW} sts=sts.eu-west-1.amazonaws.com`, ALL)?.fields.sts).toBe(
      'sts.eu-west-1.amazonaws.com',
    );
  });

  it('reads the fields in any order', () => {
    const shuffled =
      'path=/authenticate error="ARN is not mapped" msg="access denied" client="127.0.0.1:33384" level=warning method=POST time="2022-12-28T15:37:19Z" arn="arn:aws:iam::111122223333:role/admin-test-role"';

    expect(parseLine(shuffled, ALL)).toEqual(EXPECTED);
  });

  it('undoes Go %q escapes in quoted values', () => {
    const line =
      'time="2026-11-24T10:00:00Z" level=warning msg="access denied" client="127.0.0.1:1" error="missing expected \\"k8s-aws-v1.\\" prefix\\nsecond\\tline \\\\ \\u00e9 \\x41 \\101 \\U0001F600" method=POST';

    expect(parseLine(line)?.fields.error).toBe(
      'missing expected "k8s-aws-v1." prefix\nsecond\tline \\ é A A 😀',
    );
  });

  it('reads a head with a time with fractions, another level or an escaped message', () => {
    const line =
      'time="2026-11-24T10:00:00.123456Z" level=error msg="Errors parsing configmap: \\"line 7\\"" error="yaml" path=/x';

    expect(parseLine(line)).toEqual({
      time: '2026-11-24T10:00:00.123456Z',
      level: 'error',
      msg: 'Errors parsing configmap: "line 7"',
      fields: { error: 'yaml' },
    });
  });

  it('reads the fields after a known message, whatever separates them', () => {
    expect(parseLine('time="2026-11-24T10:00:00Z" level=info msg="access granted"')).toMatchObject({
      msg: 'access granted',
      fields: {},
    });
    expect(
      parseLine('time="2026-11-24T10:00:00Z" level=info msg="access granted" arn="arn:aws:iam::1:user/a"')
        ?.fields,
    ).toEqual({ arn: 'arn:aws:iam::1:user/a' });
    expect(
      parseLine('time="2026-11-24T10:00:00Z" level=info msg="access granted"\tarn="arn:aws:iam::1:user/a"')
        ?.fields,
    ).toEqual({ arn: 'arn:aws:iam::1:user/a' });
  });

  it('reads an empty bare value', () => {
    const line =
      'time="2026-11-24T10:00:00Z" level=info msg="STS response" accesskeyid=ASIA accountid=111122223333 arn="arn:aws:sts::111122223333:assumed-role/r/s" client="127.0.0.1:1" session= userid=AROA';

    expect(parseLine(line, ALL)?.fields).toMatchObject({ session: '', userid: 'AROA' });
  });

  it('reads a quoted value that runs to the end of a truncated line', () => {
    expect(
      parseLine('time="2026-11-24T10:00:00Z" level=warning msg="access denied" error="cut off')?.fields.error,
    ).toBe('cut off');
  });

  it('ends a quoted value only at a quote that is not escaped', () => {
    const line = 'msg="access denied" error="a \\\\" client="127.0.0.1:2"';

    expect(parseLine(line)?.fields).toEqual({ error: 'a \\', client: '127.0.0.1:2' });
  });
});

describe('parsing the other line formats seen in the wild', () => {
  it.each([
    ['a leading ingestion timestamp (export, S3, Firehose)', `2023-03-23T15:00:41.719Z ${RAW}`],
    ['a stern prefix', `aws-iam-authenticator-abcde aws-iam-authenticator ${RAW}`],
    ['a kail prefix', `kube-system/aws-iam-authenticator-abcde[aws-iam-authenticator]: ${RAW}`],
    ['a markdown table cell', `| 2020-06-14T14:12:39.465+07:00 | ${RAW} |`],
  ])('strips %s', (_format, line) => {
    expect(parseLine(line, ALL)).toEqual(EXPECTED);
  });

  it('reads a Logs Insights CSV row with doubled quotes', () => {
    const row = `authenticator-0123456789abcdef0123456789abcdef,2022-12-28 15:37:19.000,"${RAW.replaceAll('"', '""')}"`;

    expect(parseLine(row, ALL)).toEqual(EXPECTED);
  });

  it('reads a CSV row with the header glued to it', () => {
    const row = `@logStream,@timestamp,@messageauthenticator-0123 456789abcdef,2022-12-28 15:37:19.000,"${RAW.replaceAll('"', '""')}"`;

    expect(parseLine(row, ALL)).toEqual(EXPECTED);
  });

  it('reads a CSV row whose message kept escaped quotes inside a value', () => {
    const raw =
      'time="2026-11-24T10:00:00Z" level=warning msg="access denied" client="127.0.0.1:1" error="input token was not properly formatted: token is missing expected \\"k8s-aws-v1.\\" prefix"';
    const row = `authenticator-0123,2026-11-24 10:00:00.000,"${raw.replaceAll('"', '""')}"`;

    expect(parseLine(row)?.fields.error).toBe(
      'input token was not properly formatted: token is missing expected "k8s-aws-v1." prefix',
    );
  });

  it('takes the CSV @timestamp when the message has no time=', () => {
    const row =
      'authenticator-0123,2026-11-24 10:00:00.000,"level=warning msg=""access denied"" error=""x"""';

    expect(parseLine(row)?.time).toBe('2026-11-24 10:00:00.000');
  });

  it('reads a Docker json-file line', () => {
    const docker = JSON.stringify({
      log: `${RAW}\n`,
      stream: 'stderr',
      time: '2022-12-28T15:37:19.123456789Z',
    });

    expect(parseLine(docker, ALL)).toEqual(EXPECTED);
  });

  it('reads logrus JSON formatter output', () => {
    const json = JSON.stringify({
      ...EXPECTED.fields,
      level: 'warning',
      msg: 'access denied',
      time: EXPECTED.time,
    });

    expect(parseLine(json, ALL)).toEqual(EXPECTED);
  });

  it('takes the ingestion time when a hand-edited line dropped time=', () => {
    const line = '2023-03-23T15:00:41.719Z level=warning msg="access denied" error="ARN is not mapped"';

    expect(parseLine(line)?.time).toBe('2023-03-23T15:00:41.719Z');
  });

  it('skips elided parts of a hand-edited line', () => {
    const line = 'level=warning msg="access denied" ... error="ARN is not mapped" ...';

    expect(parseLine(line)?.fields).toEqual({ error: 'ARN is not mapped' });
  });
});

describe('lines without an authenticator record', () => {
  it.each([
    ['an empty line', ''],
    ['a console timestamp line', '2020-06-14T14:12:39.465+07:00'],
    [
      'a kube-apiserver line',
      'I1124 10:00:00.000000       1 trace.go:205] Trace[1]: "List" url:/api/v1/pods',
    ],
    ['JSON without msg', '{"kind":"Event","apiVersion":"audit.k8s.io/v1"}'],
    ['broken JSON', '{"msg": "access denied"'],
    ['a JSON array', '["msg"]'],
    ['Docker json-file of another program', JSON.stringify({ log: 'hello\n', stream: 'stdout' })],
    ['a line over 1 MiB', `msg="access denied" ${'x'.repeat(1 << 20)}`],
  ])('yields nothing for %s', (_what, line) => {
    expect(parseLine(line)).toBeUndefined();
  });
});

describe('unquoting Go strings', () => {
  it('returns text without escapes unchanged', () => {
    expect(unquoteGo('plain text')).toBe('plain text');
  });

  it('keeps unknown and malformed escapes as written', () => {
    expect(unquoteGo('\\q \\x4 \\u12 \\9 end\\')).toBe('\\q \\x4 \\u12 \\9 end\\');
  });

  it('replaces code points that are not characters', () => {
    expect(unquoteGo('\\ud800 \\U00110000')).toBe('\ufffd \ufffd');
  });
});

describe('sharing one time string per second within a stream', () => {
  const line = (time: string) =>
    `time="${time}" level=info msg="access granted" arn="arn:aws:iam::111122223333:role/r"`;

  it('reads the same time with or without a TimeStrings', () => {
    // Prepare
    const times = new TimeStrings();

    // Act
    const shared = parseLine(line('2026-11-24T14:02:00Z'), { times })?.time;
    const alone = parseLine(line('2026-11-24T14:02:00Z'))?.time;

    // Assess
    expect(shared).toBe('2026-11-24T14:02:00Z');
    expect(alone).toBe('2026-11-24T14:02:00Z');
  });

  it('keeps the times of two streams parsed side by side apart', () => {
    // Prepare
    const first = new TimeStrings();
    const second = new TimeStrings();

    // Act
    const seen = [
      parseLine(line('2026-11-24T14:02:00Z'), { times: first })?.time,
      parseLine(line('2026-11-24T15:00:00Z'), { times: second })?.time,
      parseLine(line('2026-11-24T14:02:00Z'), { times: first })?.time,
      parseLine(line('2026-11-24T14:02:01Z'), { times: second })?.time,
    ];

    // Assess
    expect(seen).toEqual([
      '2026-11-24T14:02:00Z',
      '2026-11-24T15:00:00Z',
      '2026-11-24T14:02:00Z',
      '2026-11-24T14:02:01Z',
    ]);
  });
});
