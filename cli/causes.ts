import { type Category, SEVERITIES, type Severity } from '../lambda/engine/categories';
import { OccurrenceTally } from '../lambda/engine/diagnose/problem';
import type { BookedProblem } from './problem-book';

/**
 * A cause: what one fix repairs. The pipeline alerts per problem (one principal, one error), but a
 * reader at 3 a.m. wants one line per thing to repair: one broken aws-auth denies thirty roles, and
 * thirty unmapped roles need the same two commands. Problems of one cause are merged here; the most
 * telling one (the parse error for aws-auth, else the most frequent) stands for the rest.
 */
export interface Cause {
  readonly key: string;
  /** Breaks the cluster for everyone (aws-auth dropped, the authenticator's backends failing): on top. */
  readonly clusterWide: boolean;
  readonly severity: Severity;
  /** The problem whose fix and facts the report shows. */
  readonly lead: BookedProblem;
  readonly problems: readonly BookedProblem[];
  readonly occurrences: OccurrenceTally;
  /** Denied principals over every problem of the cause, most denied first. */
  readonly principals: readonly (readonly [string, number])[];
  /** Principals counted but not kept (a problem keeps a bounded list). */
  readonly principalsNotKept: number;
}

/** What one broken aws-auth explains: the parse error and every denial it caused. */
const AWS_AUTH_BREAKAGE = 'cluster-wide|aws-auth';

/** Categories that break authentication for everyone, whoever they name. Data, not a chain of ifs. */
const CLUSTER_WIDE: ReadonlySet<Category> = new Set<Category>([
  'AWS_AUTH_PARSE_ERROR',
  'MAPPER_LOOKUP_ERROR',
  'STS_THROTTLED',
  'STS_SERVER_ERROR',
  'STS_UNREACHABLE',
]);

function causeKeyOf(booked: BookedProblem): string {
  const { category, subCause } = booked.problem.finding;
  if (category === 'AWS_AUTH_PARSE_ERROR' || subCause === 'AWS_AUTH_BROKEN') return AWS_AUTH_BREAKAGE;
  return `${CLUSTER_WIDE.has(category) ? 'cluster-wide' : 'cause'}|${category}|${subCause ?? '-'}`;
}

/**
 * The problems merged into causes, cluster-wide breakages first, then by severity and count.
 *
 * @example causesOf(book.problems())[0].principals // [['arn:aws:iam::…:role/eks-node-group-role', 4], …]
 */
export function causesOf(problems: readonly BookedProblem[]): Cause[] {
  const groups = new Map<string, BookedProblem[]>();
  for (const booked of problems) {
    const key = causeKeyOf(booked);
    const group = groups.get(key);
    if (group) group.push(booked);
    else groups.set(key, [booked]);
  }
  return [...groups.entries()].map(([key, group]) => cause(key, group)).sort(byUrgency);
}

function cause(key: string, problems: BookedProblem[]): Cause {
  const occurrences = new OccurrenceTally();
  const principals = new Map<string, number>();
  let principalsNotKept = 0;
  for (const booked of problems) {
    occurrences.merge(booked.problem.occurrences);
    for (const [arn, count] of booked.principals) principals.set(arn, (principals.get(arn) ?? 0) + count);
    principalsNotKept += booked.principalsNotKept;
  }
  const byCount = [...problems].sort((a, b) => b.problem.occurrences.count - a.problem.occurrences.count);
  const lead =
    problems.find(
      (booked) => booked.problem.finding.category === 'AWS_AUTH_PARSE_ERROR' && hasYamlLine(booked),
    ) ??
    problems.find((booked) => booked.problem.finding.category === 'AWS_AUTH_PARSE_ERROR') ??
    (byCount[0] as BookedProblem);
  const severity = problems
    .map((booked) => booked.problem.finding.severity)
    .reduce((a, b) => (SEVERITIES.indexOf(a) <= SEVERITIES.indexOf(b) ? a : b));
  return {
    key,
    clusterWide: key.startsWith('cluster-wide|'),
    severity,
    lead,
    problems,
    occurrences,
    principals: [...principals.entries()].sort(([, a], [, b]) => b - a),
    principalsNotKept,
  };
}

/** The authenticator logs a parse failure twice; the line that names the YAML line is the useful one. */
function hasYamlLine(booked: BookedProblem): boolean {
  return (booked.problem.finding.details.yamlLine ?? '') !== '';
}

function byUrgency(a: Cause, b: Cause): number {
  if (a.clusterWide !== b.clusterWide) return a.clusterWide ? -1 : 1;
  const rank = SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity);
  return rank !== 0 ? rank : b.occurrences.count - a.occurrences.count;
}
