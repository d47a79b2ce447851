import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { readKubeconfigContext } from '../../../cli/doctor/kubeconfig';
import { kubeconfigYaml } from './doctor-world';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubeconfig-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

describe('readKubeconfigContext', () => {
  it('resolves the current context to its server, CA and exec block', async () => {
    // Prepare
    const path = await file(
      'config',
      kubeconfigYaml({
        server: 'https://ABC.gr7.eu-west-1.eks.amazonaws.com',
        certificateAuthority: 'PEM\n',
        env: { AWS_PROFILE: 'dev' },
      }),
    );

    // Act
    const context = await readKubeconfigContext({ files: [path], explicit: true });

    // Assess
    expect(context).toMatchObject({
      file: path,
      contextName: 'arn:aws:eks:eu-west-1:111122223333:cluster/prod',
      clusterEntry: 'arn:aws:eks:eu-west-1:111122223333:cluster/prod',
      server: 'https://ABC.gr7.eu-west-1.eks.amazonaws.com',
      certificateAuthority: 'PEM\n',
      insecureSkipTlsVerify: false,
      user: {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1beta1',
          command: 'aws',
          args: ['--region', 'eu-west-1', 'eks', 'get-token', '--cluster-name', 'prod', '--output', 'json'],
          env: { AWS_PROFILE: 'dev' },
        },
      },
    });
  });

  it('merges KUBECONFIG files as kubectl does: the first definition of a name wins, missing files are skipped', async () => {
    const first = await file(
      'first',
      stringify({ 'current-context': 'b', contexts: [{ name: 'b', context: { cluster: 'c', user: 'u' } }] }),
    );
    const second = await file(
      'second',
      stringify({
        'current-context': 'a',
        clusters: [{ name: 'c', cluster: { server: 'https://second' } }],
        users: [{ name: 'u', user: { token: 'static' } }],
      }),
    );

    const context = await readKubeconfigContext({
      files: [join(dir, 'missing'), first, second],
      explicit: false,
    });

    expect(context).toMatchObject({ contextName: 'b', server: 'https://second', user: { token: 'static' } });
  });

  it('takes --context over current-context, and lists the contexts when it does not exist', async () => {
    const path = await file('config', kubeconfigYaml({ server: 'https://x' }));

    const missing = await readKubeconfigContext({ files: [path], explicit: true, context: 'staging' });

    expect(missing).toEqual({
      kind: 'no-such-context',
      name: 'staging',
      files: [path],
      contexts: ['arn:aws:eks:eu-west-1:111122223333:cluster/prod'],
    });
  });

  it('says which entry a context names but nobody defines', async () => {
    const path = await file(
      'config',
      stringify({
        'current-context': 'x',
        contexts: [{ name: 'x', context: { cluster: 'gone', user: 'u' } }],
      }),
    );

    const broken = await readKubeconfigContext({ files: [path], explicit: true });

    expect(broken).toEqual({ kind: 'broken-context', name: 'x', file: path, missing: 'cluster "gone"' });
  });

  it('reports a missing --kubeconfig file, and no file at all for a KUBECONFIG list of missing files', async () => {
    const explicit = await readKubeconfigContext({ files: [join(dir, 'nope')], explicit: true });
    const implicit = await readKubeconfigContext({ files: [join(dir, 'nope')], explicit: false });

    expect(explicit).toMatchObject({ kind: 'unreadable', file: join(dir, 'nope') });
    expect(implicit).toEqual({ kind: 'no-file', files: [join(dir, 'nope')] });
  });

  it('reports YAML that does not parse, without throwing', async () => {
    const path = await file('config', 'clusters: [\n  - {name: x\n');

    const result = await readKubeconfigContext({ files: [path], explicit: true });

    expect(result).toMatchObject({ kind: 'unreadable', file: path });
    expect((result as { reason: string }).reason).toMatch(/^not valid YAML: /);
  });

  it('reads the CA from a certificate-authority file', async () => {
    const ca = await file('ca.pem', 'FILE PEM\n');
    const path = await file(
      'config',
      stringify({
        'current-context': 'x',
        contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
        clusters: [
          {
            name: 'c',
            cluster: { server: 'https://x', 'certificate-authority': ca, 'insecure-skip-tls-verify': true },
          },
        ],
        users: [{ name: 'u', user: { 'client-certificate-data': 'abc' } }],
      }),
    );

    const context = await readKubeconfigContext({ files: [path], explicit: true });

    expect(context).toMatchObject({
      certificateAuthority: 'FILE PEM\n',
      insecureSkipTlsVerify: true,
      user: { otherAuth: 'client-certificate-data' },
    });
  });
});
