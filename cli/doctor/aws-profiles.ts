import { readFile } from 'node:fs/promises';

/** What the shared AWS files say about one profile. */
export interface AwsProfile {
  readonly name: string;
  /** Defined in `~/.aws/config` (`[profile name]`, `[default]`) or `~/.aws/credentials` (`[name]`). */
  readonly defined: boolean;
  /** An IAM Identity Center profile (`sso_session` or `sso_start_url`): it expires, `aws sso login` renews it. */
  readonly sso: boolean;
  readonly region?: string;
}

/**
 * Looks a profile up in the shared config and credentials files, without resolving credentials: the
 * SDK's own error for a missing profile ("Could not load credentials from any providers") does not
 * say that the profile is what is missing.
 *
 * @example
 * const dev = await readAwsProfile('dev', { configFile: '~/.aws/config', credentialsFile: '~/.aws/credentials' });
 * // { name: 'dev', defined: true, sso: true, region: 'eu-west-1' }
 */
export async function readAwsProfile(
  name: string,
  files: { readonly configFile: string; readonly credentialsFile: string },
): Promise<AwsProfile> {
  const config = iniSections(await readFile(files.configFile, 'utf8').catch(() => ''));
  const credentials = iniSections(await readFile(files.credentialsFile, 'utf8').catch(() => ''));
  const inConfig = config.get(name === 'default' ? 'default' : `profile ${name}`);
  const inCredentials = credentials.get(name);
  return {
    name,
    defined: inConfig !== undefined || inCredentials !== undefined,
    sso: inConfig !== undefined && (inConfig.has('sso_session') || inConfig.has('sso_start_url')),
    region: inConfig?.get('region'),
  };
}

function iniSections(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[\s*(.+?)\s*\]$/.exec(line);
    if (header) {
      const name = (header[1] ?? '').replace(/\s+/g, ' ');
      current = sections.get(name) ?? new Map();
      sections.set(name, current);
      continue;
    }
    const pair = /^([^=\s]+)\s*=\s*(.*)$/.exec(line);
    if (pair && current) current.set(pair[1] ?? '', pair[2] ?? '');
  }
  return sections;
}
