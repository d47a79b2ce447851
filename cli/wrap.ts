/**
 * Wraps prose to `width` columns at spaces; a word longer than the line (an ARN) stands on its own
 * line rather than being cut, so it can still be copied whole. `indent` starts every line, `hanging`
 * every line after the first.
 *
 * @example wrapProse('a b c', 3) // ['a b', 'c']
 */
export function wrapProse(text: string, width: number, indent = '', hanging = indent): string[] {
  const lines: string[] = [];
  let line = indent;
  let empty = true;
  for (const word of text.split(' ')) {
    if (word === '') continue;
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = hanging;
      empty = true;
    }
    line += empty ? word : ` ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines;
}

/**
 * A shell command laid out to `width`: one line when it fits, else broken before its `--flags` with
 * ` \` continuations, which a shell reads as the same command, so a pasted command still runs exactly.
 * Multi-line commands (Logs Insights queries, here-documents) keep their own lines.
 *
 * @example wrapCommand('aws eks x --a 1 --b 2', 14, '$ ', '  ') // ['$ aws eks x \\', '  --a 1 --b 2']
 */
export function wrapCommand(command: string, width: number, prompt: string, continuation: string): string[] {
  if (command.includes('\n') || prompt.length + command.length <= width) {
    return command.split('\n').map((line, i) => `${i === 0 ? prompt : continuation}${line}`);
  }
  const parts = flagParts(command);
  const lines: string[] = [];
  let line = `${prompt}${parts[0]}`;
  for (const part of parts.slice(1)) {
    if (line.length + 1 + part.length + 2 > width) {
      lines.push(`${line} \\`);
      line = `${continuation}${part}`;
    } else {
      line += ` ${part}`;
    }
  }
  lines.push(line);
  return lines;
}

/**
 * Shortens one line to `width` at a word boundary, ending with `...`.
 *
 * @example fitLine('one two three', 10) // 'one...'
 */
export function fitLine(text: string, width: number): string {
  if (text.length <= width) return text;
  const room = width - 3;
  const cut = text.lastIndexOf(' ', room);
  return `${text.slice(0, cut > room / 2 ? cut : room).trimEnd()}...`;
}

/** The command split before each ` --flag`, never inside a quoted argument. */
function flagParts(command: string): string[] {
  const parts: string[] = [];
  for (const piece of command.split(/ (?=--)/)) {
    const previous = parts.at(-1);
    if (previous !== undefined && insideQuotes(previous)) parts[parts.length - 1] = `${previous} ${piece}`;
    else parts.push(piece);
  }
  return parts;
}

function insideQuotes(text: string): boolean {
  return (text.split("'").length - 1) % 2 === 1 || (text.split('"').length - 1) % 2 === 1;
}
