import type { ConfigurationMessage } from '../../contract/authenticator-messages';
import type { AuthenticatorRecord } from '../types';
import type { FixTemplate } from './fix-template';
import type { Severity } from './severity';

/**
 * One category, everything about it in one place: how a line is recognised as it (`match`), how loud it
 * is, the facts quoted from the line, and how its fix is written. Entries live in their family's
 * ordered table; classify and remediate derive their lookups from these tables.
 */
export interface CategoryEntry<Id extends string = string, Match = DenialMatch | RecordMatch>
  extends FixTemplate {
  /** The public category ID: CLI output, metric dimensions, alerts. Add, never rename. */
  readonly id: Id;
  readonly match: Match;
  /** The severity of every finding of the category (IDENTITY_NOT_MAPPED's sub-causes have their own). */
  readonly severity: Severity;
  /**
   * Who can cause it, which decides its flood-control budget (see `TrustClass`). One line per entry,
   * so a new category has to say.
   */
  readonly trust: TrustClass;
  /** Facts quoted from the line for the fix and the message. */
  readonly details?: DetailReader;
  /** What a record of this category changes for the whole cluster, for the denials at later times. */
  readonly effect?: ClusterEffect;
}

/**
 * Who can put a finding of this category into the log, and so which budget it spends:
 * - `probe`: any anonymous internet client that reaches the endpoint (every TOKEN_* and the STS errors
 *   that carry no authenticated principal). Never takes an identity or breakage slot.
 * - `identity`: an authenticated principal of this or another account (the mapping family).
 * - `breakage`: the cluster's authentication itself is broken for everyone (aws-auth does not parse,
 *   STS unreachable or failing). Never capped, never folded into a digest.
 * - `none`: not a problem (grants, STS responses, other lines); never alerted.
 */
export type TrustClass = 'probe' | 'identity' | 'breakage' | 'none';

/**
 * What a lifecycle record does to every later request (reference §3.1): the diagnosis applies it by
 * time to the denials after it, whatever the order of the file.
 * - `aws-auth-broken` / `aws-auth-deleted` / `access-entries-broken`: mappings of a backend are gone;
 * - `aws-auth-changed`: aws-auth was written again (a later change without a breakage repairs it);
 * - `mode-switched`: the mapper chain changed (the line names the new mode);
 * - `ec2-batch-failed`: the EC2 error behind the TEMPLATE_EC2_LOOKUP_FAILED denials around it;
 * - `access-entries-loaded`: the access-entry file was read again (repairs a parse failure before it).
 */
export type ClusterEffect =
  | 'aws-auth-broken'
  | 'aws-auth-deleted'
  | 'access-entries-broken'
  | 'aws-auth-changed'
  | 'mode-switched'
  | 'ec2-batch-failed'
  | 'access-entries-loaded';

/**
 * Reads category-specific facts from a line: `error` is its `error=` text (or empty). Every value is
 * untrusted: the host, query key and date of a token error are whatever the client sent. A denial's
 * reader reads nothing of the record but its error and the joined `ec2error`: a stream remembers a
 * denial's details by its error (ClassifyMemo).
 */
export type DetailReader = (error: string, record: AuthenticatorRecord) => Record<string, string>;

/**
 * How an `access denied` line's `error=` text is recognised, once its family prefix is stripped. Within
 * an entry any one criterion suffices; between entries of a family, the first that matches wins.
 */
export interface DenialMatch {
  /** Lower-case phrases the text starts with (compared anywhere when the family prefix was lost). */
  readonly startsWith?: readonly string[];
  /**
   * Phrases the text starts with, exactly as each authenticator version spells them: compared as written
   * before anything else (the commonest denial then needs no case folding), and like `startsWith`
   * otherwise. Mapping family only.
   */
  readonly writtenAs?: readonly string[];
  /** Lower-case phrases the text contains; only where the text is not client-controlled. */
  readonly contains?: readonly string[];
  /** AWS error codes (`"Code":"…"` of an STS error body), as AWS spells them. */
  readonly stsCodes?: readonly string[];
  /** Tested on the lower-case text. */
  readonly pattern?: RegExp;
  /**
   * A prefix, as the authenticator spells it, that decides this category whatever follows: compared
   * before any entry (only an STS body's error code, read first, can say otherwise).
   */
  readonly prefix?: string;
  /** The family's answer when none of its entries matches. Its place in the table does not matter. */
  readonly otherwise?: true;
}

/**
 * A family of denials: the authenticator wraps each family's errors in a fixed prefix, and the family
 * is decided by that prefix before any entry is compared.
 */
export interface DenialFamily<Id extends string = string> {
  readonly name: 'token' | 'sts' | 'mapping';
  /** Prefixes, as the authenticator spells them, that put an error in this family; stripped before matching. */
  readonly prefixes: readonly string[];
  /** The family's category IDs in the public contract's order (listings, metrics); `entries` sets precedence. */
  readonly ids: readonly Id[];
  /** In match precedence: the first entry that matches wins. */
  readonly entries: readonly CategoryEntry<Id, DenialMatch>[];
}

/** How a record that is not a denial is recognised, by its `msg`. */
export interface RecordMatch {
  /** The record's `msg`, exactly as the authenticator writes it. */
  readonly msg?: string;
  /** The authenticator's wordings the `msg` starts with, compared case-insensitively. */
  readonly messages?: readonly ConfigurationMessage[];
  /** Levels that decide the category whatever the `msg` (a fatal or panic line: the server stops). */
  readonly levels?: readonly string[];
  /** Every record no other entry claims. */
  readonly otherwise?: true;
}

/** A family of records that are not denials. */
export interface RecordFamily<Id extends string = string> {
  readonly name: 'other' | 'lifecycle' | 'server';
  /** Whether its records are worth telling people about (denials always are). */
  readonly alerts: boolean;
  readonly ids: readonly Id[];
  readonly entries: readonly CategoryEntry<Id, RecordMatch>[];
}

/**
 * `Entries` when every id of `Id` has an entry (its `Key` field), else a type naming the ids without
 * one. A family file writes `entries: ENTRIES satisfies EveryIdHasAnEntry<…>`, so a category listed
 * without its entry does not compile (and the entry type already refuses an id that is not listed).
 */
export type EveryIdHasAnEntry<
  Id extends string,
  Entries extends readonly Record<Key, string>[],
  Key extends string = 'id',
> = [Exclude<Id, Entries[number][Key]>] extends [never]
  ? Entries
  : { readonly missingEntryFor: Exclude<Id, Entries[number][Key]> };
