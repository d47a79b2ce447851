import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readAwsProfile } from '../../../cli/doctor/aws-profiles';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aws-profiles-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('readAwsProfile', () => {
  it('finds profiles in config ([profile x], [default]) and credentials ([x]), and tells SSO profiles apart', async () => {
    const configFile = join(dir, 'config');
    const credentialsFile = join(dir, 'credentials');
    await writeFile(
      configFile,
      '[default]\nregion = us-east-1\n\n[profile sso]\nsso_session = corp\nregion = eu-west-1\n',
    );
    await writeFile(credentialsFile, '# keys\n[keys]\naws_access_key_id = AKID\n');
    const files = { configFile, credentialsFile };

    expect(await readAwsProfile('sso', files)).toEqual({
      name: 'sso',
      defined: true,
      sso: true,
      region: 'eu-west-1',
    });
    expect(await readAwsProfile('default', files)).toMatchObject({
      defined: true,
      sso: false,
      region: 'us-east-1',
    });
    expect(await readAwsProfile('keys', files)).toMatchObject({ defined: true, sso: false });
    expect(await readAwsProfile('dev', files)).toMatchObject({ defined: false });
  });

  it('treats missing files as empty', async () => {
    const files = { configFile: join(dir, 'none'), credentialsFile: join(dir, 'none2') };

    expect(await readAwsProfile('dev', files)).toEqual({
      name: 'dev',
      defined: false,
      sso: false,
      region: undefined,
    });
  });
});
