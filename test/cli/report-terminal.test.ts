import { execFile, execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir';

/**
 * The report on a real terminal: the built CLI in a detached tmux pane of a fixed size, and what the
 * pane holds afterwards (`capture-pane`, with `-J` so a line the terminal had to wrap shows up as one
 * line longer than the pane). Each run signals a tmux channel when it has finished (`wait-for`), then
 * sleeps so the pane, and what it shows, stays until the server is killed.
 */
const TMUX = '/usr/bin/tmux';
const CLI = resolve('dist/cli/eks-auth-doctor.js');
const EXAMPLE = resolve('examples/authenticator.log');
const COLUMNS = 100;
const ROWS = 50;
const FLAGS =
  '--cluster demo-cluster --region eu-west-1 --account 111122223333 --auth-mode API_AND_CONFIG_MAP';
/** Select Graphic Rendition: how colour and bold reach a terminal. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding the escapes is the point.
const SGR = /\u001b\[[0-9;]*m/g;
const ESC = '\u001b';

const run = promisify(execFile);
const haveTmux = existsSync(TMUX);

describe.skipIf(!haveTmux)('the report on a real terminal (tmux, 100x50)', () => {
  let socket = '';
  let config = '';
  const tmux = (...args: string[]) => run(TMUX, ['-S', socket, '-f', config, ...args], { encoding: 'utf8' });

  /** Runs `command` in a new pane and waits until it has finished. */
  async function showInPane(name: string, command: string): Promise<void> {
    const script = `${command}; ${TMUX} -S '${socket}' wait-for -S ${name}; exec sleep 60`;
    await tmux('new-session', '-d', '-s', name, '-x', `${COLUMNS}`, '-y', `${ROWS}`, script);
    await run(TMUX, ['-S', socket, 'wait-for', name], { timeout: 15_000 });
  }

  /** The pane's lines, the scrollback included, without the blank rows below the output. */
  async function capture(name: string, ...flags: string[]): Promise<string[]> {
    const { stdout } = await tmux('capture-pane', '-p', '-J', '-S', '-', '-t', name, ...flags);
    const lines = stdout.split('\n');
    while (lines.length > 0 && lines.at(-1)?.trim() === '') lines.pop();
    return lines;
  }

  beforeAll(async () => {
    const dir = tempDir('eks-auth-doctor-tmux-');
    socket = join(dir, 'tmux.sock');
    // Not the user's configuration, and no status line: the pane is the whole 100x50 window.
    config = join(dir, 'tmux.conf');
    writeFileSync(config, 'set-option -g status off\n');
    for (const path of [socket, CLI, EXAMPLE]) expect(path).not.toContain("'");
    const classify = `node '${CLI}' classify ${FLAGS} '${EXAMPLE}'`;
    await Promise.all([
      showInPane('colour', `env -u NO_COLOR ${classify}`),
      showInPane('plain', `env NO_COLOR=1 ${classify}`),
      showInPane('summary', `env -u NO_COLOR ${classify} --summary`),
    ]);
  });

  afterAll(() => {
    if (socket !== '') execFileSync(TMUX, ['-S', socket, 'kill-server'], { stdio: 'ignore' });
  });

  it('shows the summary header on top, then one line per cause, the most severe first', async () => {
    // Act
    const lines = await capture('colour');

    // Assess
    expect(lines.slice(0, 4)).toEqual([
      'eks-auth-doctor: cluster demo-cluster (eu-west-1, account 111122223333, API_AND_CONFIG_MAP)',
      '41 lines read, 41 authenticator records, 24 denials: 13 causes, 15 distinct problems.',
      '',
      'Summary (times UTC, 2026-11-24):',
    ]);
    expect(lines[4]).toMatch(/^ {2}CRITICAL +7x 09:20 {2}aws-auth failed to parse/);
    expect(lines.indexOf('Summary (times UTC, 2026-11-24):')).toBeLessThan(
      lines.findIndex((l) => /^1\. /.test(l)),
    );
  });

  it('wraps every line to the terminal: none is wider than the pane', async () => {
    // Act
    const lines = await capture('colour');

    // Assess
    expect(lines.length).toBeGreaterThan(ROWS); // the whole report, scrollback included
    expect(lines.filter((line) => line.length > COLUMNS)).toEqual([]);
    expect(Math.max(...lines.map((line) => line.length))).toBeGreaterThan(COLUMNS - 20); // uses the width
  });

  it('fits the --summary report on one screen, header in the first row', async () => {
    // Act
    const { stdout } = await tmux('capture-pane', '-p', '-t', 'summary'); // the visible rows only
    const rows = stdout.split('\n');

    // Assess
    expect(rows[0]).toBe(
      'eks-auth-doctor: cluster demo-cluster (eu-west-1, account 111122223333, API_AND_CONFIG_MAP)',
    );
    expect(rows).toContain('Run without --summary for each cause with its fix.');
  });

  it('paints severity and headings on the terminal, and nothing with NO_COLOR=1', async () => {
    // Act
    const coloured = (await capture('colour', '-e')).join('\n');
    const plain = (await capture('plain', '-e')).join('\n');

    // Assess
    const criticalLine = coloured.split('\n').find((line) => line.includes('CRITICAL'));
    // The severity itself is painted (tmux writes its own resets at the start of a row).
    expect(criticalLine).toMatch(new RegExp(`^(?:${SGR.source})* {2}(?:${SGR.source})+CRITICAL`));
    expect(coloured.match(SGR)?.length).toBeGreaterThan(20);
    expect(plain).not.toContain(ESC);
    // The same text either way: colour is the only difference.
    expect(plain.replace(/ +$/gm, '')).toBe(coloured.replace(SGR, '').replace(/ +$/gm, ''));
  });
});

if (!haveTmux) {
  describe('the report on a real terminal', () => {
    it.skip(`needs ${TMUX} (apt-get install -y tmux)`, () => {});
  });
}
