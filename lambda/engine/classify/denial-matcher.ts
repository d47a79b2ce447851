import { DENIAL_FAMILIES, type DenialCategory, type DenialFamily, otherwiseOf } from '../categories';
import { Literal } from '../parse/text-at';

/** The three denial families the matcher is built from; each is matched its own way (see below). */
export interface DenialFamilies {
  /** Client-controlled text: compared only with its own entries, anchored at the start. */
  readonly token: DenialFamily<DenialCategory>;
  /** AWS's own text: decided by the body's error code first, then by phrases anywhere. */
  readonly sts: DenialFamily<DenialCategory>;
  /** No prefix: the authenticator's own text about a real AWS principal. Its otherwise is any unrecognised error's. */
  readonly mapping: DenialFamily<DenialCategory>;
}

/** One entry's match, compiled: lower-case phrases and every field present, so lookups stay monomorphic. */
interface Rule {
  readonly category: DenialCategory;
  readonly startsWith: readonly string[];
  readonly contains: readonly string[];
  readonly pattern: RegExp | undefined;
}

interface CompiledFamily {
  /** Lower-case. */
  readonly prefixes: readonly string[];
  readonly rules: readonly Rule[];
  readonly otherwise: DenialCategory;
}

/** `start` value meaning: compare `startsWith` phrases anywhere, not at a position. */
const LOOSE = -1;
const CODE_OPENING = '"Code":"';
const QUOTE = 34;

/**
 * Builds the classifier of an `error=` text from the family tables; everything it looks up is derived
 * here, once. First match wins, in table order.
 *
 * A family is decided by its prefix before any entry runs. This matters for safety, not only speed:
 * token errors echo text chosen by anonymous clients (a forged host can read `…ExpiredToken…`), so a
 * token error is only ever compared with token entries, and those are anchored at the start of the
 * message, where the authenticator's own words stand.
 *
 * The authenticator writes its prefixes in one spelling, so the common cases are recognised on the text
 * as it is: a token error by its first words (entries indexed by first character), an STS error by the
 * error code of its body, the commonest mapping failure by its spellings. Everything else (odd casing,
 * errors that lost their prefix in a hand-edited excerpt) goes through the case-insensitive tables,
 * mapping family first, phrases compared anywhere.
 */
export function denialMatcher(families: DenialFamilies): (error: string | undefined) => DenialCategory {
  const token = compile(families.token);
  const sts = compile(families.sts);
  const mapping = compile(families.mapping);
  const all = [families.token, families.sts, families.mapping];

  /** Prefixes that decide a category by themselves (STS throttling says it all, whatever the body). */
  const decidingPrefixes = all.flatMap((family) =>
    family.entries.flatMap((entry) =>
      entry.match.prefix === undefined
        ? []
        : [{ prefix: entry.match.prefix.toLowerCase(), category: entry.id }],
    ),
  );

  const tokenPrefixes = families.token.prefixes.map((prefix) => new Literal(prefix));
  /** Longer than any token phrase: all a token entry ever reads. */
  const tokenPhraseMax = Math.max(
    ...token.rules.flatMap((rule) => rule.startsWith.map((phrase) => phrase.length)),
  );
  /** The token rules grouped by the first character of their phrases, in table order. */
  const tokenRulesByFirstChar: ReadonlyMap<number, readonly Rule[]> = (() => {
    const index = new Map<number, Rule[]>();
    for (const rule of token.rules) {
      for (const first of new Set(rule.startsWith.map((phrase) => phrase.charCodeAt(0)))) {
        index.set(first, [...(index.get(first) ?? []), rule]);
      }
    }
    return index;
  })();

  /** What every STS error starts with, as the authenticator spells it. */
  const stsStart = new Literal(
    sharedStart([
      ...families.sts.prefixes,
      ...families.sts.entries.flatMap((entry) =>
        entry.match.prefix === undefined ? [] : [entry.match.prefix],
      ),
    ]),
  );
  const stsCodesAsWritten = families.sts.entries.flatMap((entry) =>
    (entry.match.stsCodes ?? []).map((code) => ({ code: new Literal(code), category: entry.id })),
  );
  /** What an STS error code means, lower-case. */
  const stsCategoryByCode: ReadonlyMap<string, DenialCategory> = new Map(
    stsCodesAsWritten.map(({ code, category }) => [code.text.toLowerCase(), category] as const),
  );

  /** Every version's spelling of the mapping phrases that have one (the commonest failure: not mapped). */
  const mappingAsWritten = families.mapping.entries.flatMap((entry) =>
    (entry.match.writtenAs ?? []).map((phrase) => ({ phrase: new Literal(phrase), category: entry.id })),
  );

  const unprefixedOrder = [mapping, sts, token];
  const NO_RULES: readonly Rule[] = [];

  /** The category of an STS error body's code, compared where it stands as AWS spells it. */
  function stsCategoryAsWritten(error: string): DenialCategory | undefined {
    const at = error.indexOf(CODE_OPENING);
    if (at === -1) return undefined;
    const start = at + CODE_OPENING.length;
    for (const { code, category } of stsCodesAsWritten) {
      if (error.charCodeAt(start + code.length) === QUOTE && code.isAt(error, start)) return category;
    }
    return undefined;
  }

  /** Lower-case STS error codes, for completing one cut off at the end of a line. */
  const stsCodes = [...stsCategoryByCode.keys()];

  function categorizeCaseInsensitively(lower: string): DenialCategory {
    for (const { prefix, category } of decidingPrefixes) if (lower.startsWith(prefix)) return category;
    const code = stsErrorCode(lower) ?? cutStsCode(lower, stsCodes);
    for (const family of [token, sts, mapping]) {
      for (const prefix of family.prefixes) {
        if (lower.startsWith(prefix))
          return (
            firstMatch(family.rules, lower, prefix.length, code) ??
            cutAtEnd(family.rules, lower, prefix.length) ??
            family.otherwise
          );
      }
    }
    const mapped = firstMatch(mapping.rules, lower, 0, undefined);
    // A specific phrase cut off (`… SessionName did not cont`) outranks the wrapper words left whole
    // (`mapper … error:`) that a later, more general entry matches on.
    if (mapped) return cutAtEnd(mapping.rules, lower, 0, mappingRank(mapped)) ?? mapped;
    for (const family of unprefixedOrder) {
      const loose = firstMatch(family.rules, lower, LOOSE, code);
      if (loose) return loose;
    }
    return cutAtEnd(mapping.rules, lower, 0) ?? mapping.otherwise;
  }

  function mappingRank(category: DenialCategory): number {
    return mapping.rules.findIndex((rule) => rule.category === category);
  }

  /** The first rule matching `text` from `start` (the family prefix's end), or anywhere when LOOSE. */
  function firstMatch(
    rules: readonly Rule[],
    text: string,
    start: number,
    stsCode: string | undefined,
  ): DenialCategory | undefined {
    for (const rule of rules) {
      if (matches(rule, text, start, stsCode)) return rule.category;
    }
    return undefined;
  }

  function matches(rule: Rule, text: string, start: number, stsCode: string | undefined): boolean {
    if (stsCode !== undefined && stsCategoryByCode.get(stsCode) === rule.category) return true;
    for (const phrase of rule.startsWith) {
      if (start === LOOSE ? text.includes(phrase) : text.startsWith(phrase, start)) return true;
    }
    for (const phrase of rule.contains) {
      if (text.includes(phrase, Math.max(start, 0))) return true;
    }
    if (rule.pattern === undefined) return false;
    return rule.pattern.test(start > 0 ? text.slice(start) : text);
  }

  /** A denial without an error text is one nothing recognises. */
  return (error) => {
    if (error === undefined) return mapping.otherwise;
    for (const prefix of tokenPrefixes) {
      if (!prefix.isAt(error, 0)) continue;
      const head = error.slice(prefix.length, prefix.length + tokenPhraseMax).toLowerCase();
      const candidates = tokenRulesByFirstChar.get(head.charCodeAt(0)) ?? NO_RULES;
      return firstMatch(candidates, head, 0, undefined) ?? cutAtEnd(candidates, head, 0) ?? token.otherwise;
    }
    if (stsStart.isAt(error, 0)) {
      const byCode = stsCategoryAsWritten(error);
      if (byCode !== undefined) return byCode;
    }
    for (const { phrase, category } of mappingAsWritten) if (phrase.isAt(error, 0)) return category;
    return categorizeCaseInsensitively(error.toLowerCase());
  };
}

/** A cut phrase names its category once this much of it is left (past the family prefix). */
const CUT_PHRASE_MIN = 12;

/**
 * A line cut mid-error (reference §4.1), once no whole phrase matched: the text ends in the start of
 * exactly one category's phrase, long enough to be its distinctive words, read where the whole phrase
 * would be — anchored (`startsWith`, after the family prefix) or anywhere (`contains`). Token entries
 * have only anchored phrases (tested), so a token error, which echoes client text, is only ever read
 * at its start, where the authenticator's own words stand.
 */
function cutAtEnd(
  rules: readonly Rule[],
  lower: string,
  start: number,
  /** Only the entries before this one: those a cut phrase would outrank. */
  before = rules.length,
): DenialCategory | undefined {
  const text = lower.trimEnd();
  const anchored = text.slice(start);
  let found: DenialCategory | undefined;
  for (let index = 0; index < before; index++) {
    const rule = rules[index] as Rule;
    const cut =
      (anchored.length >= CUT_PHRASE_MIN && rule.startsWith.some((phrase) => isCutOf(anchored, phrase))) ||
      rule.contains.some((phrase) => {
        // Where the phrase's first words stand last, if they do: the rest of the text must be its start.
        const at = text.lastIndexOf(phrase.slice(0, CUT_PHRASE_MIN));
        return at >= start && isCutOf(text.slice(at), phrase);
      });
    if (!cut) continue;
    if (found !== undefined && found !== rule.category) return undefined;
    found = rule.category;
  }
  return found;
}

/** `text` is `phrase` cut short. */
function isCutOf(text: string, phrase: string): boolean {
  return phrase.length > text.length && phrase.startsWith(text);
}

/** A cut STS error code names its code once this much of it is left (`"Code":"Invalid…` is not yet). */
const CUT_CODE_MIN = 8;

/**
 * The code of an STS error body cut inside it (`…"Code":"InvalidClientTok`), completed when exactly
 * one known code starts with what is left; `undefined` otherwise. Lower-case in, lower-case out.
 */
function cutStsCode(lower: string, codes: readonly string[]): string | undefined {
  const at = lower.indexOf('"code":"');
  if (at === -1) return undefined;
  const rest = lower.slice(at + 8).replace(/[\\"\s]+$/, '');
  if (rest.length < CUT_CODE_MIN || /[^a-z.]/.test(rest)) return undefined;
  const completions = codes.filter((code) => code.startsWith(rest));
  return completions.length === 1 ? completions[0] : undefined;
}

/** Classifies an `error=` text (reference §2) by the category tables. Pure; never throws. */
export const categorizeDenial = denialMatcher(DENIAL_FAMILIES);

function compile(family: DenialFamily<DenialCategory>): CompiledFamily {
  return {
    prefixes: family.prefixes.map((prefix) => prefix.toLowerCase()),
    rules: family.entries.map((entry) => ({
      category: entry.id,
      startsWith: [
        ...new Set([
          ...(entry.match.startsWith ?? []),
          ...(entry.match.writtenAs ?? []).map((p) => p.toLowerCase()),
        ]),
      ],
      contains: entry.match.contains ?? [],
      pattern: entry.match.pattern,
    })),
    otherwise: otherwiseOf(family.entries),
  };
}

/** The AWS error code of an STS error body (`"Code":"InvalidClientTokenId"`), as written; read once. */
function stsErrorCode(text: string): string | undefined {
  let at = text.indexOf('"Code":"');
  if (at === -1) at = text.indexOf('"code":"');
  if (at === -1) return undefined;
  const end = text.indexOf('"', at + 8);
  return end === -1 ? undefined : text.slice(at + 8, end);
}

/** The longest start all of `texts` share. */
function sharedStart(texts: readonly string[]): string {
  let shared = texts[0] ?? '';
  for (const text of texts) while (!text.startsWith(shared)) shared = shared.slice(0, -1);
  return shared;
}
