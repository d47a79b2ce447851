import type { WholeNumberSetting } from '../../lambda/contract';

/**
 * Context values arrive as JSON from cdk.json but as plain strings from `-c key=value`; these parsers
 * accept both and report what they could not read. Each returns `undefined` after recording a problem.
 */
export type Report = (problem: string) => void;

/** A list: a JSON array, or a comma-separated string (`-c clusters=prod,staging`). */
export function stringList(raw: unknown, key: string, example: string, report: Report): string[] | undefined {
  if (raw === undefined || raw === null || raw === '') return [];
  let value: unknown = raw;
  if (typeof raw === 'string') {
    if (raw.trim().startsWith('[')) {
      try {
        value = JSON.parse(raw);
      } catch {
        report(`${key}: ${JSON.stringify(raw)} is not a valid JSON list. Example: -c ${key}=${example}`);
        return undefined;
      }
    } else {
      value = raw
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item.length > 0);
    }
  }
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    report(`${key}: ${JSON.stringify(raw)} is not a list of strings. Example: -c ${key}=${example}`);
    return undefined;
  }
  return value.map((item) => item.trim());
}

/** `-c key=30` arrives as text, cdk.json gives a number: either way, the number (or the raw value). */
export function numberFrom(raw: unknown): unknown {
  return typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
}

/** A whole number in the setting's range; the example is the setting's default (plus `exampleSuffix`). */
export function wholeNumber(
  raw: unknown,
  key: string,
  setting: WholeNumberSetting,
  report: Report,
  exampleSuffix = '',
): number | undefined {
  const value = numberFrom(raw);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < setting.min || value > setting.max) {
    report(
      `${key}: ${JSON.stringify(raw)} is not a whole number from ${setting.min} to ${setting.max}. ` +
        `Example: -c ${key}=${setting.default}${exampleSuffix}`,
    );
    return undefined;
  }
  return value;
}

export function yesNo(raw: unknown, key: string, report: Report): boolean | undefined {
  if (raw === true || raw === 'true') return true;
  if (raw === false || raw === 'false') return false;
  report(`${key}: ${JSON.stringify(raw)} is not true or false. Example: -c ${key}=true`);
  return undefined;
}

/** An optional string: absent, `null` and `""` all mean "not set". */
export function optionalText(raw: unknown, key: string, example: string, report: Report): string | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'string') {
    report(`${key}: ${JSON.stringify(raw)} is not a string. Example: -c ${key}=${example}`);
    return undefined;
  }
  return raw.trim();
}

/** An object: a JSON object, or its JSON text (`-c chatbot='{"slackWorkspaceId":…}'`). */
export function optionalObject(
  raw: unknown,
  key: string,
  example: string,
  report: Report,
): Record<string, unknown> | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      value = undefined;
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    report(`${key}: ${JSON.stringify(raw)} is not an object. Example: ${example}`);
    return undefined;
  }
  return value as Record<string, unknown>;
}
