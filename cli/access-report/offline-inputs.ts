import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { AuthenticationMode } from '../../lambda/engine/categories';
import { InputError, readLines } from '../read-lines';
import { type AccessEntry, clusterOfEntries } from './access-entries';
import { AccessEntryFileError, accessEntriesOf } from './access-entry-file';
import type { ReportCluster, ReportInputs } from './access-report';
import type { AwsAuth } from './aws-auth-mappings';
import { LoginTally, tallyNotes } from './logins';

export interface OfflineOptions {
  /** The exported authenticator log, or `-` for standard input. */
  readonly logFile: string;
  /** The saved access entries; absent only for a CONFIG_MAP cluster, which has none. */
  readonly accessEntriesFile?: string;
  readonly awsAuth?: AwsAuth;
  /** What the flags say about the cluster; the entries' ARNs fill in what they do not. */
  readonly cluster: ReportCluster;
  readonly sinceMs?: number;
}

/**
 * Gathers the report's inputs from files: the logins of an exported authenticator log (any format
 * the engine's parser reads: raw CloudWatch text, a Logs Insights CSV export, Docker json-file …),
 * the saved access entries and the aws-auth ConfigMap already read by the caller. The cluster's name,
 * region and account come from the flags or, failing them, from the entries' `accessEntryArn`.
 */
export async function gatherOffline(options: OfflineOptions, stdin: Readable): Promise<ReportInputs> {
  const notes: string[] = [];
  const entries = options.accessEntriesFile === undefined ? [] : await readEntries(options.accessEntriesFile);
  const cluster = clusterFrom(options.cluster, entries, notes);
  const tally = new LoginTally({ sinceMs: options.sinceMs });
  for await (const line of readLines(options.logFile, stdin)) tally.addLine(line);
  notes.push(...tallyNotes(tally));
  if (tally.counts.outsideWindow > 0) {
    notes.push(`${tally.counts.outsideWindow} logins before the window (--since) were not counted.`);
  }
  const { firstMs, lastMs } = tally.span();
  return {
    cluster,
    logins: tally.principals(),
    entries,
    awsAuth: options.awsAuth,
    window: { sinceMs: options.sinceMs, firstLoginMs: firstMs, lastLoginMs: lastMs },
    notes,
  };
}

async function readEntries(path: string): Promise<AccessEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read the access-entry file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    return accessEntriesOf(text);
  } catch (error) {
    if (error instanceof AccessEntryFileError)
      throw new InputError(`${path}: ${error.message}`, { cause: error });
    throw error;
  }
}

function clusterFrom(flags: ReportCluster, entries: readonly AccessEntry[], notes: string[]): ReportCluster {
  const fromEntries = clusterOfEntries(entries);
  if (fromEntries.clusterNames.length > 1) {
    notes.push(
      `The access-entry file mixes clusters (${fromEntries.clusterNames.join(', ')}): pass one cluster's entries.`,
    );
  }
  if (flags.clusterName && fromEntries.clusterName && fromEntries.clusterName !== flags.clusterName) {
    notes.push(`The access entries are cluster ${fromEntries.clusterName}'s, not ${flags.clusterName}'s.`);
  }
  let mode: AuthenticationMode | undefined = flags.authenticationMode;
  if (mode === undefined && entries.length > 0) {
    mode = 'API_AND_CONFIG_MAP';
    notes.push(
      'Authentication mode taken to be API_AND_CONFIG_MAP (the cluster has access entries); pass --auth-mode if it is API.',
    );
  }
  return {
    ...flags,
    clusterName: flags.clusterName ?? fromEntries.clusterName,
    region: flags.region ?? fromEntries.region,
    accountId: flags.accountId ?? fromEntries.accountId,
    authenticationMode: mode,
  };
}
