import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';

/** The kubeconfig user's `exec` block: the credential plugin kubectl runs for a token. */
export interface ExecBlock {
  readonly apiVersion?: string;
  readonly command?: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

/** How the kubeconfig user authenticates, as far as the doctor cares. */
export interface KubeconfigUser {
  readonly name: string;
  readonly exec?: ExecBlock;
  /** A static bearer token written into the file (`token:`), never printed. */
  readonly token?: string;
  /** Something else than IAM: `client-certificate(-data)`, `auth-provider`, `tokenFile`, basic auth. */
  readonly otherAuth?: string;
}

/** One context of a kubeconfig, resolved to its cluster and user entries. Every string is untrusted. */
export interface KubeconfigContext {
  /** The file the context came from. */
  readonly file: string;
  readonly contextName: string;
  /** The `clusters[].name` (`aws eks update-kubeconfig` names it after the cluster ARN). */
  readonly clusterEntry: string;
  readonly server?: string;
  /** PEM, decoded from `certificate-authority-data` or read from `certificate-authority`. */
  readonly certificateAuthority?: string;
  readonly insecureSkipTlsVerify: boolean;
  readonly tlsServerName?: string;
  readonly user: KubeconfigUser;
}

/** Why no context could be used; the doctor reports it and carries on with `--cluster`/`--region`. */
export type KubeconfigProblem =
  | { readonly kind: 'no-file'; readonly files: readonly string[] }
  | { readonly kind: 'unreadable'; readonly file: string; readonly reason: string }
  | {
      readonly kind: 'no-current-context';
      readonly files: readonly string[];
      readonly contexts: readonly string[];
    }
  | {
      readonly kind: 'no-such-context';
      readonly name: string;
      readonly files: readonly string[];
      readonly contexts: readonly string[];
    }
  | {
      readonly kind: 'broken-context';
      readonly name: string;
      readonly file: string;
      readonly missing: string;
    };

interface LoadedFile {
  readonly file: string;
  readonly doc: KubeconfigDocument;
}

interface KubeconfigDocument {
  readonly 'current-context'?: unknown;
  readonly contexts?: unknown;
  readonly clusters?: unknown;
  readonly users?: unknown;
}

/**
 * Reads the kubeconfig the way kubectl does: `--kubeconfig FILE` alone, or every file of `KUBECONFIG`
 * (missing ones skipped) with the first definition of each name winning, and picks the context
 * (`--context`, else `current-context`). Never throws: a problem is returned for the report.
 *
 * @example
 * const found = await readKubeconfigContext({ files: ['/home/me/.kube/config'], explicit: false });
 * if ('contextName' in found) console.log(found.server);
 */
export async function readKubeconfigContext(request: {
  readonly files: readonly string[];
  /** True for `--kubeconfig FILE`: that file must exist. */
  readonly explicit: boolean;
  readonly context?: string;
}): Promise<KubeconfigContext | KubeconfigProblem> {
  const loaded: LoadedFile[] = [];
  for (const file of request.files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !request.explicit) continue;
      return { kind: 'unreadable', file, reason: (error as Error).message };
    }
    try {
      const doc = parse(text) as unknown;
      loaded.push({ file, doc: isRecord(doc) ? doc : {} });
    } catch (error) {
      return {
        kind: 'unreadable',
        file,
        reason: `not valid YAML: ${(error as Error).message.split('\n')[0]}`,
      };
    }
  }
  if (loaded.length === 0) return { kind: 'no-file', files: request.files };
  const files = loaded.map((entry) => entry.file);
  const contexts = namedEntries(loaded, 'contexts');
  const names = [...contexts.keys()];
  const wanted =
    request.context ??
    loaded
      .map((entry) => entry.doc['current-context'])
      .find((name) => typeof name === 'string' && name !== '');
  if (typeof wanted !== 'string') return { kind: 'no-current-context', files, contexts: names };
  const context = contexts.get(wanted);
  if (!context) return { kind: 'no-such-context', name: wanted, files, contexts: names };
  const body = record(context.entry.context);
  const clusterName = text(body.cluster);
  const userName = text(body.user);
  const cluster = clusterName === undefined ? undefined : namedEntries(loaded, 'clusters').get(clusterName);
  const user = userName === undefined ? undefined : namedEntries(loaded, 'users').get(userName);
  if (!cluster || clusterName === undefined) {
    return {
      kind: 'broken-context',
      name: wanted,
      file: context.file,
      missing: `cluster "${clusterName ?? ''}"`,
    };
  }
  if (!user || userName === undefined) {
    return { kind: 'broken-context', name: wanted, file: context.file, missing: `user "${userName ?? ''}"` };
  }
  const clusterBody = record(cluster.entry.cluster);
  return {
    file: context.file,
    contextName: wanted,
    clusterEntry: clusterName,
    server: text(clusterBody.server),
    certificateAuthority: await certificateAuthorityOf(clusterBody),
    insecureSkipTlsVerify: clusterBody['insecure-skip-tls-verify'] === true,
    tlsServerName: text(clusterBody['tls-server-name']),
    user: userOf(userName, record(user.entry.user)),
  };
}

function userOf(name: string, body: Record<string, unknown>): KubeconfigUser {
  const exec = isRecord(body.exec) ? body.exec : undefined;
  const otherAuth = [
    'client-certificate-data',
    'client-certificate',
    'auth-provider',
    'tokenFile',
    'username',
  ].find((key) => body[key] !== undefined);
  return {
    name,
    exec: exec
      ? {
          apiVersion: text(exec.apiVersion),
          command: text(exec.command),
          args: Array.isArray(exec.args) ? exec.args.map(String) : [],
          env: Object.fromEntries(
            (Array.isArray(exec.env) ? exec.env : [])
              .filter(isRecord)
              .map((variable) => [String(variable.name ?? ''), String(variable.value ?? '')]),
          ),
        }
      : undefined,
    token: text(body.token),
    otherAuth,
  };
}

async function certificateAuthorityOf(cluster: Record<string, unknown>): Promise<string | undefined> {
  const data = text(cluster['certificate-authority-data']);
  if (data !== undefined) return Buffer.from(data, 'base64').toString('utf8');
  const file = text(cluster['certificate-authority']);
  if (file === undefined) return undefined;
  // An unreadable CA file shows up as a TLS failure of --probe, which is where it matters.
  return readFile(file, 'utf8').catch(() => undefined);
}

interface NamedEntry {
  readonly file: string;
  readonly entry: Record<string, unknown>;
}

/** `contexts`, `clusters` or `users` of every file by name; the first file to define a name wins. */
function namedEntries(loaded: readonly LoadedFile[], key: 'contexts' | 'clusters' | 'users') {
  const entries = new Map<string, NamedEntry>();
  for (const { file, doc } of loaded) {
    const list = doc[key];
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      if (!isRecord(entry) || typeof entry.name !== 'string' || entries.has(entry.name)) continue;
      entries.set(entry.name, { file, entry });
    }
  }
  return entries;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function record(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
