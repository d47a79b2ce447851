import type { AccessEntry } from './access-entries';

/**
 * The access-entry file of offline mode: what the AWS CLI prints, saved as JSON. Accepted, alone, as
 * a JSON array of them, or as several documents one after another (what a shell loop writes):
 *
 * - `aws eks list-access-entries --cluster-name C` → `{"accessEntries": ["arn:…", …]}`
 * - `aws eks describe-access-entry --cluster-name C --principal-arn A` → `{"accessEntry": {"principalArn": …, "type": …, …}}`
 * - an access entry on its own (`--query accessEntry`) → `{"principalArn": …, …}`
 * - a principal ARN on its own, inside an array (`--query accessEntries`) → `"arn:…"`
 *
 * One principal named by both a list and a describe is one entry, with the describe's details.
 *
 * @example
 * // for arn in $(aws eks list-access-entries --cluster-name prod --query 'accessEntries[]' --output text); do
 * //   aws eks describe-access-entry --cluster-name prod --principal-arn "$arn"; done > entries.json
 * accessEntriesOf(await readFile('entries.json', 'utf8'));
 */
export function accessEntriesOf(text: string): AccessEntry[] {
  const byArn = new Map<string, AccessEntry>();
  const documents = jsonDocuments(text);
  if (documents.length === 0) throw new AccessEntryFileError('the file holds no JSON');
  documents.forEach((document, index) => {
    for (const entry of entriesIn(document, `document ${index + 1}`)) {
      const key = entry.principalArn.toLowerCase();
      byArn.set(key, { ...byArn.get(key), ...definedFields(entry), principalArn: entry.principalArn });
    }
  });
  return [...byArn.values()];
}

/** The file is not one of the accepted shapes; the message says where and what was expected. */
export class AccessEntryFileError extends Error {
  override readonly name = 'AccessEntryFileError';
}

const EXPECTED =
  'expected the JSON output of `aws eks list-access-entries` ({"accessEntries": [...]}) or of ' +
  '`aws eks describe-access-entry` ({"accessEntry": {...}}), alone, in an array, or one after another';

function entriesIn(value: unknown, where: string): AccessEntry[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => entriesIn(item, `${where}, item ${i + 1}`));
  if (typeof value === 'string') return [{ principalArn: value }];
  if (value === null || typeof value !== 'object') throw new AccessEntryFileError(`${where}: ${EXPECTED}`);
  const object = value as Record<string, unknown>;
  if (Array.isArray(object.accessEntries)) {
    return object.accessEntries.map((arn, i) => {
      if (typeof arn !== 'string')
        throw new AccessEntryFileError(`${where}: accessEntries[${i}] is not an ARN string`);
      return { principalArn: arn };
    });
  }
  if (object.accessEntry !== undefined) return [entryOf(object.accessEntry, `${where}: accessEntry`)];
  if (typeof object.principalArn === 'string') return [entryOf(object, where)];
  throw new AccessEntryFileError(`${where}: ${EXPECTED}`);
}

function entryOf(value: unknown, where: string): AccessEntry {
  const object = (value ?? {}) as Record<string, unknown>;
  if (typeof object.principalArn !== 'string') throw new AccessEntryFileError(`${where} has no principalArn`);
  const groups = object.kubernetesGroups;
  return {
    principalArn: object.principalArn,
    type: typeof object.type === 'string' ? object.type : undefined,
    username: typeof object.username === 'string' ? object.username : undefined,
    kubernetesGroups: Array.isArray(groups)
      ? groups.filter((group): group is string => typeof group === 'string')
      : undefined,
    accessEntryArn: typeof object.accessEntryArn === 'string' ? object.accessEntryArn : undefined,
  };
}

function definedFields(entry: AccessEntry): Partial<AccessEntry> {
  return Object.fromEntries(Object.entries(entry).filter(([, value]) => value !== undefined));
}

const SPACE = /\s/;

/**
 * Splits text holding JSON documents one after another (`{…}{…}` or `{…}\n[…]`) and parses each.
 * A scan for where each top-level object or array closes, skipping brackets inside strings.
 */
function jsonDocuments(text: string): unknown[] {
  const documents: unknown[] = [];
  let i = 0;
  while (i < text.length) {
    if (SPACE.test(text[i] ?? '')) {
      i++;
      continue;
    }
    const open = text[i];
    if (open !== '{' && open !== '[') {
      throw new AccessEntryFileError(`document ${documents.length + 1}: ${EXPECTED}`);
    }
    const end = closingBracket(text, i);
    try {
      documents.push(JSON.parse(text.slice(i, end)));
    } catch (error) {
      throw new AccessEntryFileError(
        `document ${documents.length + 1} is not valid JSON: ${(error as Error).message}`,
        { cause: error },
      );
    }
    i = end;
  }
  return documents;
}

/** Just past the bracket closing the one at `start`, or the end of the text if it never closes. */
function closingBracket(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return text.length;
}
