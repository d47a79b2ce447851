/**
 * How the report is laid out for where it goes: a terminal gets its own width and, unless `NO_COLOR`
 * is set (https://no-color.org), colour and bold; a pipe or file gets plain text at 80 to 120 columns
 * (`COLUMNS` when set, else 100), so `| less` and a CI log read the same everywhere.
 */
export interface TerminalStyle {
  readonly width: number;
  readonly colour: boolean;
}

/** What the style is decided from: the output stream and the environment. */
export interface OutputTraits {
  readonly isTTY?: boolean;
  readonly columns?: number;
  readonly env: Readonly<Record<string, string | undefined>>;
}

const PIPE_WIDTH = { min: 80, max: 120, default: 100 } as const;
/** Narrower than this, nothing lines up; a terminal that small still gets 40-column text. */
const MIN_TTY_WIDTH = 40;

/** @example styleFor({ isTTY: false, env: {} }) // { width: 100, colour: false } */
export function styleFor(out: OutputTraits): TerminalStyle {
  if (out.isTTY) {
    const columns = out.columns && out.columns > 0 ? out.columns : PIPE_WIDTH.default;
    return { width: Math.max(MIN_TTY_WIDTH, columns), colour: !noColour(out.env) };
  }
  const asked = Number.parseInt(out.env.COLUMNS ?? '', 10);
  const width = Number.isFinite(asked)
    ? Math.min(PIPE_WIDTH.max, Math.max(PIPE_WIDTH.min, asked))
    : PIPE_WIDTH.default;
  return { width, colour: false };
}

/** `NO_COLOR` set to anything but the empty string turns colour off. */
function noColour(env: OutputTraits['env']): boolean {
  return env.NO_COLOR !== undefined && env.NO_COLOR !== '';
}

const SGR = { bold: '1', red: '31', yellow: '33', cyan: '36', dim: '2', magenta: '35' } as const;
export type Paint = keyof typeof SGR;

/** Wraps trusted text in an ANSI style when colour is on; log text is escaped before it gets here. */
export function paint(style: TerminalStyle, text: string, ...paints: Paint[]): string {
  if (!style.colour || paints.length === 0 || text === '') return text;
  return `\u001b[${paints.map((p) => SGR[p]).join(';')}m${text}\u001b[0m`;
}
