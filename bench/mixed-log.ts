/**
 * A synthetic authenticator log shaped like a busy cluster's under trouble: mostly successful
 * authentications (an `STS response` and an `access granted` per request), about 15 % denials of
 * every family, and the odd other line. Deterministic for a given seed, so runs compare.
 */
export function* mixedLogLines(count: number, seed = 42, principals = 0): Generator<string> {
  const random = mulberry32(seed);
  const start = Date.parse('2026-11-24T00:00:00Z');
  let emitted = 0;
  for (let request = 0; emitted < count; request++) {
    const time = new Date(start + request * 37).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const client = `127.0.0.1:${30000 + Math.floor(random() * 30000)}`;
    const roll = random();
    // With `principals`, the requests come from that many distinct roles (an org-wide cluster).
    const role =
      principals > 0
        ? `team-${Math.floor(random() * principals)}`
        : (ROLES[Math.floor(random() * ROLES.length)] ?? 'developer');
    const lines: string[] = [];
    // As EKS logs a request: a principal that passed STS has its STS response line first.
    if (roll < 0.7) lines.push(stsResponse(time, client, role, request), granted(time, client, role));
    else if (roll < 0.97) {
      const listed = DENIALS[Math.floor(random() * DENIALS.length)] ?? DENIALS[0];
      const denial =
        principals > 0 && listed.arn ? { ...listed, arn: `arn:aws:iam::${ACCOUNT}:role/${role}` } : listed;
      if (denial.arn)
        lines.push(stsResponse(time, client, denial.arn.slice(denial.arn.lastIndexOf('/') + 1), request));
      lines.push(denied(time, client, denial));
    } else lines.push(OTHER[Math.floor(random() * OTHER.length)]?.replace('TIME', time) ?? '');
    for (const line of lines.slice(0, count - emitted)) yield line;
    emitted += lines.length;
  }
}

const ACCOUNT = '111122223333';
const ROLES = [
  'developer',
  'platform-oncall',
  'eks-node-group-role',
  'ci-deployer',
  'AWSReservedSSO_Admin_0123456789abcdef',
];

function stsResponse(time: string, client: string, role: string, i: number): string {
  const session = role.includes('node')
    ? `i-0a1b2c3d4e5f${(i % 100000).toString(16).padStart(5, '0')}`
    : 'alice';
  return `time="${time}" level=info msg="STS response" accesskeyid=ASIAEXAMPLEKEY${i % 1000} accountid=${ACCOUNT} arn="arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${session}" client="${client}" method=POST path=/authenticate session=${session} stsendpoint=sts.eu-west-1.amazonaws.com userid=AROAEXAMPLE${role.length}`;
}

function granted(time: string, client: string, role: string): string {
  return `time="${time}" level=info msg="access granted" arn="arn:aws:iam::${ACCOUNT}:role/${role}" client="${client}" groups="[system:bootstrappers system:nodes]" method=POST path=/authenticate stsendpoint=sts.eu-west-1.amazonaws.com uid="aws-iam-authenticator:${ACCOUNT}:AROAEXAMPLE" username="system:node:ip-10-0-1-23.eu-west-1.compute.internal"`;
}

interface Denial {
  readonly error: string;
  readonly arn?: string;
}

function denied(time: string, client: string, denial: Denial): string {
  const arn = denial.arn ? `arn="${denial.arn}" ` : '';
  return `time="${time}" level=warning msg="access denied" ${arn}client="${client}" error=${JSON.stringify(denial.error)} method=POST path=/authenticate`;
}

const STS_BODY = (code: string) =>
  `{"Error":{"Code":"${code}","Message":"The security token included in the request is invalid.","Type":"Sender"},"RequestId":"a9068247-f1ab-47ef-b1b1-cda46a27be0e"}`;

const DENIALS: readonly [Denial, ...Denial[]] = [
  { error: 'identity is not mapped', arn: `arn:aws:iam::${ACCOUNT}:role/developer` },
  { error: 'ARN is not mapped', arn: `arn:aws:iam::${ACCOUNT}:role/eks-node-group-role` },
  { error: 'input token was not properly formatted: token is missing expected "k8s-aws-v1." prefix' },
  {
    error:
      'input token was not properly formatted: X-Amz-Date parameter is expired (15 minute expiration) 2026-11-23 23:40:00 +0000 UTC',
  },
  {
    error: 'input token was not properly formatted: unexpected hostname "sts.evil.example" in pre-signed URL',
  },
  {
    error: `sts getCallerIdentity failed: error from AWS (expected 200, got 403) on eu-west-1 endpoint. Body: ${STS_BODY('InvalidClientTokenId')}`,
  },
  {
    error: `sts getCallerIdentity failed: error from AWS (expected 200, got 403). Body: ${STS_BODY('ExpiredToken')}`,
  },
  {
    error: `sts getCallerIdentity failed: error from AWS (expected 200, got 403). Body: ${STS_BODY('SignatureDoesNotMatch')}`,
  },
  { error: `sts getCallerIdentity was throttled: ${STS_BODY('Throttling')}` },
  {
    error:
      'mapper EKSConfigMap renderTemplates error: error rendering username template "system:node:{{EC2PrivateDNSName}}": SessionName did not contain an instance id',
    arn: `arn:aws:iam::${ACCOUNT}:role/eks-node-group-role`,
  },
];

const OTHER = [
  'time="TIME" level=info msg="Calling ec2:DescribeInstances for the InstanceId = i-0123456789abcdef0 "',
  'time="TIME" level=warning msg="Errors parsing configmap: [yaml: line 7: did not find expected key]"',
  'I1124 10:00:00.000000       1 trace.go:205] not an authenticator line',
];

/** Small, fast, seedable PRNG (public domain). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
