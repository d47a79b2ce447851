/**
 * `npm run docs:alerts`: the pictures of README "What an alert looks like". Runs the engine on
 * examples/authenticator.log as `eks-auth-doctor classify` does (two passes, the problems booked as the
 * pipeline keys them), takes the pipeline's first alert of three sample problems, renders each as the
 * pipeline sends it (`renderSlack`, `renderText` and `alertSubject`, the SNS subject), draws them as
 * HTML (`alert-html.ts`), and screenshots the pages with Debian's Chromium into docs/alert-slack.png and
 * docs/alert-email.png. It also writes the e-mail of the unmapped-role sample into the README, between
 * the `alert-email` markers, so the text there is always what the renderer produces.
 *
 * Needs /usr/bin/chromium (`apt-get install -y chromium fonts-noto-color-emoji`); not part of `npm test`.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProblemBook } from '../cli/problem-book';
import { problemNotification } from '../lambda/engine/diagnose/alert';
import { createTimelineDiagnoser } from '../lambda/engine/diagnose/diagnose-lines';
import { LogTimeline } from '../lambda/engine/diagnose/log-timeline';
import { alertSubject, renderSlack, renderText } from '../lambda/engine/render';
import type { DiagnosisContext, Notification } from '../lambda/engine/types';
import { alertPage, emailHtml, slackMessageHtml } from './alert-html';

const ROOT = join(import.meta.dirname, '..');
const LOG = join(ROOT, 'examples', 'authenticator.log');
const README = join(ROOT, 'README.md');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const WIDTH = 900;

/** The cluster of the README example (`npm start` names the same account and mode). */
const CONTEXT: DiagnosisContext = {
  cluster: {
    clusterName: 'prod-eu',
    region: 'eu-west-1',
    accountId: '111122223333',
    authenticationMode: 'API_AND_CONFIG_MAP',
  },
};

/** A cluster-wide breakage, the most common denial, and a client-side one. */
const SAMPLES = [
  { category: 'AWS_AUTH_PARSE_ERROR' },
  { category: 'IDENTITY_NOT_MAPPED', subCause: 'NOT_IN_AWS_AUTH' },
  { category: 'STS_EXPIRED_CREDENTIALS' },
] as const;
/** The sample whose e-mail the README quotes. */
const README_SAMPLE = 1;

function sampleAlerts(): Notification[] {
  const lines = readFileSync(LOG, 'utf8').split('\n');
  const timeline = new LogTimeline(CONTEXT);
  for (const line of lines) timeline.learn(line);
  timeline.finish();
  const diagnose = createTimelineDiagnoser(timeline);
  const book = new ProblemBook(CONTEXT);
  for (const line of lines) {
    const finding = diagnose(line);
    if (finding === undefined) continue;
    const creatorArn = timeline.creatorArn;
    book.add(finding, creatorArn ? { cluster: { ...CONTEXT.cluster, creatorArn } } : CONTEXT);
  }
  return SAMPLES.map((sample) => {
    const booked = book
      .problems()
      .find(
        ({ problem }) =>
          problem.finding.category === sample.category &&
          (!('subCause' in sample) || problem.finding.subCause === sample.subCause),
      );
    if (booked === undefined) throw new Error(`the sample log has no ${JSON.stringify(sample)} problem`);
    return problemNotification('alert', booked.problem);
  });
}

function clock(iso: string | undefined): string {
  return iso?.slice(11, 16) ?? '';
}

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--hide-scrollbars',
  '--force-device-scale-factor=1',
];

/** Screenshots `html` at its full height (measured first: Chromium shoots the window only). */
function screenshot(html: string, png: string, work: string): void {
  const chromium = (...args: string[]) =>
    execFileSync(CHROMIUM, [...CHROMIUM_FLAGS, `--user-data-dir=${join(work, 'profile')}`, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 60_000,
    });
  const measure = join(work, 'measure.html');
  writeFileSync(
    measure,
    html.replace(
      '</body>',
      '<script>document.documentElement.dataset.height = document.documentElement.scrollHeight</script></body>',
    ),
  );
  const dom = chromium(`--window-size=${WIDTH},1400`, '--dump-dom', `file://${measure}`);
  const height = Number(/data-height="(\d+)"/.exec(dom)?.[1] ?? 1400);
  const page = join(work, 'page.html');
  writeFileSync(page, html);
  const shot = join(work, 'shot.png');
  chromium(`--window-size=${WIDTH},${height}`, `--screenshot=${shot}`, `file://${page}`);
  copyFileSync(shot, png);
  console.log(`${png}: ${WIDTH}x${height}`);
}

/** Puts `text` between `<!-- alert-email:start -->` and `<!-- alert-email:end -->` in the README. */
function updateReadme(subject: string, text: string): void {
  const readme = readFileSync(README, 'utf8');
  const marked = /(<!-- alert-email:start -->\n)[\s\S]*?(<!-- alert-email:end -->)/;
  if (!marked.test(readme)) throw new Error('README.md has no alert-email markers');
  const block = `\`\`\`text\nSubject: ${subject}\n\n${text}\`\`\`\n`;
  writeFileSync(
    README,
    readme.replace(marked, (_, start: string, end: string) => `${start}${block}${end}`),
  );
}

const alerts = sampleAlerts();
const work = mkdtempSync(join(tmpdir(), 'docs-alerts-'));
try {
  const slack = alerts.map((n) => slackMessageHtml(renderSlack(n), 'eks-auth-doctor', clock(n.firstSeen)));
  screenshot(
    alertPage('Slack: the first alert of three problems in examples/authenticator.log', slack.join('\n')),
    join(ROOT, 'docs', 'alert-slack.png'),
    work,
  );
  const mails = alerts.map((n) =>
    emailHtml({ from: 'eks-auth-doctor (Amazon SNS)', subject: alertSubject(n), body: renderText(n) }),
  );
  screenshot(
    alertPage('E-mail: the same three alerts', mails.join('\n')),
    join(ROOT, 'docs', 'alert-email.png'),
    work,
  );
  const sample = alerts[README_SAMPLE] as Notification;
  updateReadme(alertSubject(sample), renderText(sample));
} finally {
  rmSync(work, { recursive: true, force: true });
}
