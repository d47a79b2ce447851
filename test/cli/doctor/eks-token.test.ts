import { describe, expect, it } from 'vitest';
import { eksToken } from '../../../cli/doctor/eks-token';

const credentials = {
  accessKeyId: 'ASIAEXAMPLE',
  secretAccessKey: 'secret',
  sessionToken: 'session/token+=',
};
const now = new Date('2026-03-02T10:00:00Z');

function decode(token: string): URL {
  return new URL(Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString('utf8'));
}

describe('eksToken', () => {
  it('is k8s-aws-v1. and an unpadded base64url presigned GetCallerIdentity URL, as aws eks get-token makes it', async () => {
    const token = await eksToken({ clusterName: 'prod', region: 'eu-west-1', credentials, now });

    expect(token.startsWith('k8s-aws-v1.')).toBe(true);
    expect(token).not.toMatch(/[=+/]/);
    const url = decode(token);
    expect(url.origin).toBe('https://sts.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe('/');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      Action: 'GetCallerIdentity',
      Version: '2011-06-15',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'ASIAEXAMPLE/20260302/eu-west-1/sts/aws4_request',
      'X-Amz-Date': '20260302T100000Z',
      'X-Amz-Expires': '60',
      'X-Amz-SignedHeaders': 'host;x-k8s-aws-id',
      'X-Amz-Security-Token': 'session/token+=',
      'X-Amz-Signature': expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('signs the cluster name: another name gives another signature', async () => {
    const prod = decode(await eksToken({ clusterName: 'prod', region: 'eu-west-1', credentials, now }));
    const other = decode(await eksToken({ clusterName: 'prod-old', region: 'eu-west-1', credentials, now }));

    expect(prod.searchParams.get('X-Amz-Signature')).not.toBe(other.searchParams.get('X-Amz-Signature'));
  });

  it('uses the global STS host without a region, and the .cn host in China', async () => {
    const global = decode(await eksToken({ clusterName: 'prod', credentials, now }));
    const china = decode(await eksToken({ clusterName: 'prod', region: 'cn-north-1', credentials, now }));

    expect(global.hostname).toBe('sts.amazonaws.com');
    expect(china.hostname).toBe('sts.cn-north-1.amazonaws.com.cn');
  });
});
