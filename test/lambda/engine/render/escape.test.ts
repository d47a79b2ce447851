import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeChatCommand, escapeChatText } from '../../../../lambda/engine/render/chatbot';
import {
  ELLIPSIS,
  escapePlainText,
  escapeSlackCode,
  escapeSlackText,
  escapeWithin,
  isInert,
  keepPairedBackticks,
  slackCodeBlock,
  stripControl,
  truncate,
} from '../../../../lambda/engine/render/escape';
import { BIDI_CHAR, CONTROL_CHAR, LONE_SURROGATE } from './payload';

describe('stripControl removes what must never reach a reader', () => {
  it('removes C0 controls, DEL and C1 controls, so no ANSI sequence or bell survives', () => {
    // Prepare
    const raw = 'a\u0000b\u0007c\u001b[31md\u007fe\u0085f\u009b2Jg';

    // Act
    const clean = stripControl(raw, 'keep');

    // Assess
    expect(clean).toBe('abc[31mde\nf2Jg');
    expect(clean).not.toMatch(CONTROL_CHAR);
  });

  it('removes bidi overrides and isolates', () => {
    // Prepare
    const raw = 'admin\u202Enimda\u2066x\u2069\u202Ay\u202C';

    // Act
    const clean = stripControl(raw);

    // Assess
    expect(clean).toBe('adminnimdaxy');
    expect(clean).not.toMatch(BIDI_CHAR);
  });

  it('shows line breaks of every kind as a visible \\n by default', () => {
    // Prepare
    const raw = 'a\nb\r\nc\rd\u2028e\u2029f';

    // Act
    const visible = stripControl(raw);

    // Assess
    expect(visible).toBe('a\\nb\\nc\\nd\\ne\\nf');
  });

  it('keeps line breaks as LF or turns them into spaces when asked', () => {
    // Prepare
    const raw = 'a\r\nb\u2028c';

    // Act
    const kept = stripControl(raw, 'keep');
    const spaced = stripControl(raw, 'space');

    // Assess
    expect(kept).toBe('a\nb\nc');
    expect(spaced).toBe('a b c');
  });

  it('turns tabs into spaces and unpaired surrogates into U+FFFD', () => {
    // Prepare
    const raw = 'a\tb\uD800c\uDC00😀';

    // Act
    const clean = stripControl(raw);

    // Assess
    expect(clean).toBe('a b\uFFFDc\uFFFD😀');
    expect(clean).not.toMatch(LONE_SURROGATE);
  });

  it('gives, for any text, exactly what its five cleaning passes give (the clean-text shortcut changes nothing)', () => {
    // Prepare: text mixing plain characters with every kind the passes touch.
    const special = fc.constantFrom(
      ...'\u0000\u0007\t\n\u000b\r\u001b\u007f\u0085\u009b\u061c\u200e\u202e\u2066\u2028\u2029\ud800\udc00😀é'.split(
        '',
      ),
    );
    const text = fc
      .array(fc.oneof(fc.string({ maxLength: 8 }), special), { maxLength: 20 })
      .map((parts) => parts.join(''));
    const passes = (raw: string, newlines: 'keep' | 'visible' | 'space') => {
      const clean = raw
        .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
        .replace(/\r\n|[\r\u0085\u2028\u2029]/g, '\n')
        .replaceAll('\t', ' ')
        // biome-ignore lint/suspicious/noControlCharactersInRegex: the pass under test.
        .replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g, '')
        .replace(/[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, '');
      return newlines === 'keep' ? clean : clean.replaceAll('\n', newlines === 'visible' ? '\\n' : ' ');
    };

    // Act & Assess
    fc.assert(
      fc.property(text, fc.constantFrom('keep', 'visible', 'space' as const), (raw, newlines) => {
        expect(stripControl(raw, newlines)).toBe(passes(raw, newlines));
      }),
    );
  });
});

describe('escapeSlackText makes log text inert in Slack', () => {
  it('escapes &, < and > so no mention or link can be formed', () => {
    // Prepare
    const raw = '<!channel> <@U123> <#C123> <https://evil.example|click> &amp;';

    // Act
    const escaped = escapeSlackText(raw);

    // Assess
    expect(escaped).not.toContain('<');
    expect(escaped).not.toContain('>');
    expect(escaped).toContain('&lt;!channel&gt;');
    expect(escaped).toContain('&amp;amp;');
  });

  it('replaces backticks with the look-alike U+02CB', () => {
    // Prepare
    const raw = '```rm -rf /``` `id`';

    // Act
    const escaped = escapeSlackText(raw);

    // Assess
    expect(escaped).toBe('ˋˋˋrm -rf /ˋˋˋ ˋidˋ');
  });

  it('defangs URLs as [:]//', () => {
    // Prepare
    const raw = 'see https://evil.example and ftp://x';

    // Act
    const escaped = escapeSlackText(raw);

    // Assess
    expect(escaped).toBe('see https[:]//evil.example and ftp[:]//x');
  });

  it('breaks @here, @channel and @everyone in any case with a zero-width joiner', () => {
    // Prepare
    const raw = '@here @Channel @EVERYONE';

    // Act
    const escaped = escapeSlackText(raw);

    // Assess
    expect(escaped).toBe('@\u200Dhere @\u200DChannel @\u200DEVERYONE');
  });

  it('leaves other @ signs alone, so e-mail session names stay exact', () => {
    // Prepare
    const raw = 'alice@example.com';

    // Act
    const escaped = escapeSlackText(raw);

    // Assess
    expect(escaped).toBe('alice@example.com');
  });

  it('cannot be tricked by a control character inside a mention or URL', () => {
    // Prepare
    const raw = '@\u0007here https:/\u0000/evil.example';

    // Act
    const escaped = escapeSlackText(raw);

    // Assess
    expect(escaped).toBe('@\u200Dhere https[:]//evil.example');
  });

  it('keeps newlines only in code (escapeSlackCode)', () => {
    // Prepare
    const raw = 'line 1\nline 2';

    // Act
    const prose = escapeSlackText(raw);
    const code = escapeSlackCode(raw);

    // Assess
    expect(prose).toBe('line 1\\nline 2');
    expect(code).toBe('line 1\nline 2');
  });
});

describe('escapePlainText cleans text for e-mail and terminals', () => {
  it('strips control characters and bidi, defangs URLs, leaves the rest as written', () => {
    // Prepare
    const raw = '<b>\u001b[2J https://x.example @here `id`\u202E';

    // Act
    const clean = escapePlainText(raw);

    // Assess
    expect(clean).toBe('<b>[2J https[:]//x.example @here `id`');
  });
});

describe('truncate shortens without breaking what it keeps', () => {
  it('returns text that fits unchanged', () => {
    // Prepare
    const text = 'short';

    // Act
    const result = truncate(text, 5);

    // Assess
    expect(result).toBe('short');
  });

  it('cuts to the limit and ends with …', () => {
    // Prepare
    const text = 'abcdefghij';

    // Act
    const result = truncate(text, 5);

    // Assess
    expect(result).toBe(`abcd${ELLIPSIS}`);
  });

  it('never cuts an entity in half, at any limit', () => {
    // Prepare
    const text = escapeSlackText('a&b<c>d&&&e');

    for (let max = 1; max < text.length; max++) {
      // Act
      const result = truncate(text, max);

      // Assess
      expect(result.length).toBeLessThanOrEqual(max);
      expect(result.slice(0, -1)).toMatch(/^(?:[^&]|&amp;|&lt;|&gt;)*$/);
    }
  });

  it('never splits a surrogate pair', () => {
    // Prepare
    const text = '😀😀😀😀';

    // Act
    const result = truncate(text, 4);

    // Assess
    expect(result).toBe(`😀${ELLIPSIS}`);
    expect(result).not.toMatch(LONE_SURROGATE);
  });
});

describe('escapeWithin escapes and fits one untrusted value', () => {
  it('stays within the limit after escaping expands the text', () => {
    // Prepare
    const raw = '<'.repeat(1000);

    // Act
    const result = escapeWithin(raw, 100, escapeSlackText);

    // Assess
    expect(result.length).toBeLessThanOrEqual(100);
    expect(result.endsWith(ELLIPSIS)).toBe(true);
    expect(result.slice(0, -1)).toMatch(/^(?:&lt;)+$/);
  });

  it('marks truncation even when the dropped part was only control characters', () => {
    // Prepare
    const raw = `${'\u0007'.repeat(100_000)}tail`;

    // Act
    const result = escapeWithin(raw, 10, escapeSlackText);

    // Assess
    expect(result).toBe(ELLIPSIS);
  });
});

describe('slackCodeBlock fences untrusted code', () => {
  it('wraps content in fences that the content cannot close', () => {
    // Prepare
    const raw = 'x ```\n<!here>';

    // Act
    const block = slackCodeBlock(raw, 100);

    // Assess
    expect(block).toBe('```\nx ˋˋˋ\n&lt;!here&gt;\n```');
  });

  it('fits the whole block, fences included, within the limit', () => {
    // Prepare
    const raw = '&'.repeat(10_000);

    // Act
    const block = slackCodeBlock(raw, 500);

    // Assess
    expect(block.length).toBeLessThanOrEqual(500);
    expect(block.startsWith('```\n')).toBe(true);
    expect(block.endsWith('…\n```')).toBe(true);
  });

  it('renders empty code as a space, since Slack rejects empty text', () => {
    // Prepare
    const raw = '\u0007';

    // Act
    const block = slackCodeBlock(raw, 100);

    // Assess
    expect(block).toBe('```\n \n```');
  });
});

/** Up to `parts` pieces (any short string, or one of `fragments`) joined by `separator`. */
function textOf(parts: number, separator: string, ...fragments: string[]): fc.Arbitrary<string> {
  const piece = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...fragments));
  return fc.array(piece, { maxLength: parts }).map((pieces) => pieces.join(separator));
}

describe('text no escaper would change is returned as it came', () => {
  const escapers = {
    escapeSlackText: (raw: string) => escapeSlackText(raw),
    escapeSlackCode,
    escapePlainText: (raw: string) => escapePlainText(raw),
    escapeChatText: (raw: string) => escapeChatText(raw),
    escapeChatCommand,
  };

  it.each(Object.entries(escapers))(
    '%s gives inert text what its full passes give (the shortcut changes nothing)',
    (_name, escaper) => {
      // Prepare: text mixing plain characters with ones that are inert alone and markup together.
      const text = textOf(
        20,
        '',
        ':',
        '/',
        ']',
        '(',
        '#',
        ';',
        'here',
        'channel',
        'amp',
        'é',
        '😀',
        ' ',
      ).filter(isInert);

      // Act & Assess: a trailing `<` sends the whole text through every pass, and changes nothing before it.
      fc.assert(
        fc.property(text, (raw) => {
          expect(escaper(`${raw}<`)).toBe(escaper(raw) + escaper('<'));
        }),
      );
    },
  );

  it.each(Object.entries(escapers))(
    '%s, our backticks kept, gives prose what escaping each piece between them gives',
    (_name, escaper) => {
      // Prepare: prose with inline code, pieces inert or not.
      const prose = textOf(12, '`', ':', '/', ']', '(', '<', '&', '@here', '://', '](', '\u202e', 'é', ' ');

      // Act & Assess
      fc.assert(
        fc.property(prose, (text) => {
          const ticks = text.split('`').length - 1;
          const expected =
            ticks === 0 || ticks % 2 === 1 || text.includes('``')
              ? escaper(text)
              : text.split('`').map(escaper).join('`');
          expect(keepPairedBackticks(text, escaper)).toBe(expected);
        }),
      );
    },
  );

  it.each([
    ['a control character', 'a\u001bb'],
    ['a newline', 'a\nb'],
    ['a tab', 'a\tb'],
    ['a bidi override', 'a\u202eb'],
    ['a lone surrogate', 'a\ud800b'],
    ['a line separator', 'a\u2028b'],
    ['an ampersand', 'a&amp;b'],
    ['an angle bracket', 'a>b'],
    ['a backtick', 'a`b'],
    ['a mention', 'a @here'],
    ['a URL', 'https://example.com'],
    ['a Markdown link', '[a](b)'],
  ])('is never assumed of text with %s', (_what, raw) => {
    expect(isInert(raw)).toBe(false);
  });
});
