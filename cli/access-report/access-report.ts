import type { AuthenticationMode } from '../../lambda/engine/categories';
import { parseArn } from '../../lambda/engine/parse/arn';
import { switchToAccessEntries } from '../../lambda/engine/wording/commands';
import { type ClusterNames, clusterNames } from '../../lambda/engine/wording/names';
import { type AccessEntry, entriesFor } from './access-entries';
import { type AwsAuth, type AwsAuthMapping, accountIsMapped, mappingFor } from './aws-auth-mappings';
import { COVERAGES, type Coverage, coverageOf } from './coverage';
import { type EntryCommands, entryCommandsFor } from './entry-commands';
import type { PrincipalLogins } from './logins';
import { type Readiness, readinessOf, wouldBeLockedOut } from './readiness';

/** The cluster the report is about; every field optional (offline, or a lookup failed). */
export interface ReportCluster {
  readonly clusterName?: string;
  readonly region?: string;
  readonly accountId?: string;
  readonly authenticationMode?: AuthenticationMode;
  readonly bootstrapCreatorAdmin?: boolean;
}

/** The span the logins were counted over (epoch ms). */
export interface ReportWindow {
  /** Logins before this were not counted (`--since`). */
  readonly sinceMs?: number;
  readonly untilMs?: number;
  /** The earliest and latest login counted. */
  readonly firstLoginMs?: number;
  readonly lastLoginMs?: number;
}

/** What the report is drawn from, however it was gathered (offline files or live AWS). */
export interface ReportInputs {
  readonly cluster: ReportCluster;
  /** `undefined` when the log could not be read; `loginsUnknown` says why. */
  readonly logins: readonly PrincipalLogins[] | undefined;
  readonly loginsUnknown?: string;
  /** `undefined` when the entries could not be read; `entriesUnknown` says why. */
  readonly entries: readonly AccessEntry[] | undefined;
  readonly entriesUnknown?: string;
  readonly awsAuth?: AwsAuth;
  readonly window: ReportWindow;
  /** Role ARNs with their IAM path, by lower-case canonical ARN (`iam:GetRole`, live mode). */
  readonly resolvedArns?: ReadonlyMap<string, string>;
  /** What went wrong or is worth knowing while gathering: one line each. */
  readonly notes: readonly string[];
}

/** One principal that authenticated in the window. */
export interface PrincipalRow {
  readonly logins: PrincipalLogins;
  readonly coverage: Coverage;
  /** Why this coverage, in one sentence. */
  readonly because: string;
  /** The access entries that could be its own (two or more: see `because`). */
  readonly entries: readonly AccessEntry[];
  readonly mapping?: AwsAuthMapping;
  readonly lockedOut: boolean;
}

/** A principal that would be locked out, with what covers it. */
export interface Migration extends EntryCommands {
  readonly row: PrincipalRow;
}

/** An aws-auth mapping no login used in the window. */
export interface UnusedMapping {
  readonly mapping: AwsAuthMapping;
  /** Why it can never match, when it cannot (a role path, an assumed-role ARN). */
  readonly neverMatches?: string;
  /** Whether an access entry covers the same principal already. */
  readonly hasAccessEntry: boolean;
}

export interface AccessReport {
  readonly cluster: ReportCluster;
  readonly window: ReportWindow;
  readonly rows: readonly PrincipalRow[];
  readonly readiness: Readiness;
  /** Commands to run before the entries (turning access entries on, for a CONFIG_MAP cluster). */
  readonly before: readonly string[];
  readonly migrations: readonly Migration[];
  /** The switch to API mode, once nothing would be locked out. */
  readonly switchToApi?: string;
  /** `undefined` when no aws-auth ConfigMap was given. */
  readonly unusedMappings: readonly UnusedMapping[] | undefined;
  readonly notes: readonly string[];
}

/**
 * Every principal that logged in, classified, lock-out risks first (then by logins). Exported for
 * the live command, which looks up the locked-out roles' paths before building the report.
 */
export function principalRows(inputs: ReportInputs): PrincipalRow[] {
  const entries = inputs.entries ?? [];
  const rows = (inputs.logins ?? []).map((logins): PrincipalRow => {
    const candidates = entriesFor(logins.principal, entries).candidates;
    const mapping = inputs.awsAuth ? mappingFor(logins.principal, inputs.awsAuth) : undefined;
    const { coverage, because } = coverageOf({
      logins,
      entries: candidates,
      mapping,
      accountMapped: inputs.awsAuth ? accountIsMapped(logins.principal, inputs.awsAuth) : false,
      awsAuthGiven: inputs.awsAuth !== undefined,
      cluster: inputs.cluster,
    });
    const lockedOut = wouldBeLockedOut(coverage, inputs.cluster);
    return { logins, coverage, because, entries: candidates, mapping, lockedOut };
  });
  return rows.sort(
    (a, b) =>
      COVERAGES.indexOf(a.coverage) - COVERAGES.indexOf(b.coverage) ||
      b.logins.logins - a.logins.logins ||
      a.logins.principal.arn.localeCompare(b.logins.principal.arn),
  );
}

/**
 * The whole report: one row per principal, the verdict, the commands that cover whoever would be
 * locked out, the aws-auth mappings nobody used, and notes on anything that could not be read.
 */
export function buildAccessReport(inputs: ReportInputs): AccessReport {
  const rows = principalRows(inputs);
  const names = clusterNames(inputs.cluster);
  const locked = rows.filter((row) => row.lockedOut);
  const readiness = readinessOf({
    principals: inputs.logins?.length,
    lockedOut: locked.length,
    loginsUnknown: inputs.loginsUnknown,
    entriesUnknown: inputs.entriesUnknown,
    cluster: inputs.cluster,
  });
  const migrations = locked.map((row) => ({
    row,
    ...entryCommandsFor(
      {
        logins: row.logins,
        coverage: row.coverage,
        mapping: row.mapping,
        resolvedArn: inputs.resolvedArns?.get(row.logins.principal.arn.toLowerCase()),
      },
      names,
    ),
  }));
  const configMapOnly = inputs.cluster.authenticationMode === 'CONFIG_MAP';
  const unused = inputs.awsAuth ? unusedMappings(inputs.awsAuth, rows, inputs.entries ?? []) : undefined;
  return {
    cluster: inputs.cluster,
    window: inputs.window,
    rows,
    readiness,
    before:
      configMapOnly && (migrations.length > 0 || readiness.ready === 'yes')
        ? [switchToAccessEntries(names)]
        : [],
    migrations,
    switchToApi:
      readiness.ready === 'yes' && inputs.cluster.authenticationMode !== 'API'
        ? switchToApiMode(names)
        : undefined,
    unusedMappings: unused,
    notes: [...inputs.notes, ...derivedNotes(inputs, rows, unused ?? [])],
  };
}

/** The last, one-way step: aws-auth is ignored from then on. */
function switchToApiMode(names: ClusterNames): string {
  return `aws eks update-cluster-config --name ${names.cluster} --region ${names.region} --access-config authenticationMode=API`;
}

function unusedMappings(
  awsAuth: AwsAuth,
  rows: readonly PrincipalRow[],
  entries: readonly AccessEntry[],
): UnusedMapping[] {
  const used = new Set(rows.map((row) => row.mapping).filter((mapping) => mapping !== undefined));
  return awsAuth.mappings
    .filter((mapping) => !used.has(mapping))
    .map((mapping) => {
      const parsed = parseArn(mapping.arn);
      return {
        mapping,
        neverMatches: neverMatches(mapping, parsed),
        hasAccessEntry: parsed !== undefined && entriesFor(parsed.principal, entries).candidates.length > 0,
      };
    });
}

/** The authenticator compares aws-auth ARNs with the canonical one as written: these forms never match. */
function neverMatches(mapping: AwsAuthMapping, parsed: ReturnType<typeof parseArn>): string | undefined {
  if (parsed === undefined) return 'not an IAM ARN';
  if (parsed.service === 'sts') return `an assumed-role ARN never matches: write ${parsed.canonical}`;
  if (mapping.block === 'mapRoles' && parsed.type === 'role' && parsed.path !== '/') {
    return `a role ARN with its path never matches in aws-auth: write ${parsed.canonical}`;
  }
  return undefined;
}

function derivedNotes(
  inputs: ReportInputs,
  rows: readonly PrincipalRow[],
  unused: readonly UnusedMapping[],
): string[] {
  const notes: string[] = [];
  for (const problem of inputs.awsAuth?.problems ?? []) notes.push(`aws-auth: ${problem}`);
  if (inputs.cluster.authenticationMode === 'API' && rows.some((row) => row.lockedOut)) {
    notes.push(
      'The cluster is already in API mode, where aws-auth is ignored: a principal without an access entry logged in ' +
        'before the switch, or lost its entry since. It is locked out now; the commands let it back in.',
    );
  }
  if (inputs.awsAuth === undefined && rows.some((row) => row.coverage !== 'covered')) {
    notes.push(
      'No --aws-auth given: usernames and groups come from the log, and principals of other accounts are taken to be AWS-owned.',
    );
  }
  if (rows.some((row) => row.coverage === 'creator (implicit)' && !row.lockedOut)) {
    notes.push(
      "The creator keeps its admin: EKS gives it an access entry when access entries are turned on, if the cluster's " +
        'bootstrapClusterCreatorAdminPermissions is true (aws eks describe-cluster --query cluster.accessConfig). ' +
        'Check aws eks list-access-entries after the switch.',
    );
  }
  if (rows.some((row) => row.lockedOut && row.coverage === 'node role')) {
    notes.push(
      'Managed node groups and Fargate profiles get their entries from EKS; the node commands are for self-managed ' +
        'nodes (Karpenter, your own Auto Scaling groups) and fail harmlessly with ResourceInUseException where an entry exists.',
    );
  }
  if (unused.some((mapping) => mapping.neverMatches === undefined)) {
    notes.push(
      'A mapping unused in the window may still be needed by something that logs in less often (a quarterly job, break-glass): check before dropping it.',
    );
  }
  return notes;
}
