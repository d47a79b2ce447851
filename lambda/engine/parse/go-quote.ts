/**
 * Undo Go's `%q` quoting, which logrus applies to every value holding a character outside
 * `[A-Za-z0-9-._/@^+]`. Only the body between the quotes is passed in.
 *
 * Escapes it does not know are kept as written: a log line is evidence, so an odd escape is shown,
 * not dropped. Never throws.
 */
export function unquoteGo(body: string): string {
  let backslash = body.indexOf('\\');
  if (backslash === -1) return body;
  // Go's common escapes (\" \\ \n \t \uXXXX) are JSON's too, and the native parser is far faster on
  // escape-heavy STS bodies. Go-only escapes (\x, \U, octal, \a, \v) make it throw; then decode by hand.
  try {
    return JSON.parse(`"${body}"`) as string;
  } catch {
    // fall through
  }
  let out = '';
  let from = 0;
  while (backslash !== -1) {
    out += body.slice(from, backslash);
    const letter = body[backslash + 1] ?? '';
    let length = 2;
    let text: string | undefined = SIMPLE_ESCAPES[letter];
    if (text === undefined) {
      const numeric = NUMERIC_ESCAPES[letter] ?? (letter >= '0' && letter <= '7' ? OCTAL : undefined);
      if (numeric) {
        const digitsAt = backslash + (numeric === OCTAL ? 1 : 2);
        text = decodeCodePoint(body.slice(digitsAt, digitsAt + numeric.digits), numeric);
        if (text !== undefined) length = digitsAt - backslash + numeric.digits;
      }
    }
    // Unknown or malformed escapes (and a trailing backslash) stay literally.
    out += text ?? body.slice(backslash, backslash + 2);
    from = backslash + length;
    backslash = body.indexOf('\\', from);
  }
  return out + body.slice(from);
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '"': '"',
  '\\': '\\',
  "'": "'",
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
};

interface NumericEscape {
  readonly digits: number;
  readonly radix: number;
  readonly pattern: RegExp;
}

const OCTAL: NumericEscape = { digits: 3, radix: 8, pattern: /^[0-7]{3}$/ };
const NUMERIC_ESCAPES: Readonly<Record<string, NumericEscape>> = {
  x: { digits: 2, radix: 16, pattern: /^[0-9a-fA-F]{2}$/ },
  u: { digits: 4, radix: 16, pattern: /^[0-9a-fA-F]{4}$/ },
  U: { digits: 8, radix: 16, pattern: /^[0-9a-fA-F]{8}$/ },
};

function decodeCodePoint(digits: string, numeric: NumericEscape): string | undefined {
  if (!numeric.pattern.test(digits)) return undefined;
  const codePoint = Number.parseInt(digits, numeric.radix);
  const surrogate = codePoint >= 0xd800 && codePoint <= 0xdfff;
  return codePoint > 0x10ffff || surrogate ? '\ufffd' : String.fromCodePoint(codePoint);
}
