import type { SlackMessage } from '../lambda/engine/render';
import { messageClass } from '../lambda/pipeline/messages';
import { checkedAccount, checkedChoice, checkedCluster, parseCommandArgs } from './args';
import { type CliCommand, UsageError } from './io';
import { OutputWriter } from './output-writer';
import { readLines } from './read-lines';
import { REPLAY_STREAM, type ReplayedMessage, replay } from './replay';

export const REPLAY_USAGE = `Usage: eks-auth-doctor replay FILE|- [--cluster NAME] [--account ID] [--format text|json]

Runs an authenticator log through the deployed Lambda's own code — decoding, diagnosis, deduplication,
the per-cluster cap and its digest, message rendering — and prints what SNS (e-mail and AWS Chatbot)
and Slack would receive. Nothing is sent and no AWS account is used: dedup state is kept in memory and
the fixes are written without live EKS context. The log's own timestamps are the clock; the end of the
input closes every open window, so the counts of all messages add up to the denials (and aws-auth
parse errors) replayed.

Options:
  --cluster NAME   the cluster the log belongs to (default: replay)
  --account ID     the cluster's 12-digit AWS account, so principals of other accounts are told
                   apart (FOREIGN_ACCOUNT); without it the fixes say the account is unknown
  --format FORMAT  text (default: readable messages) or json (one object per outgoing message:
                   sink, kind, class (probe, identity, breakage, pipeline), cluster, category,
                   subCause, principal, count, subject (SNS), payload)
  -h, --help       show this help
`;

const FORMATS = ['text', 'json'] as const;

/** `eks-auth-doctor replay`: see `REPLAY_USAGE`. */
export const runReplay: CliCommand = async (argv, io) => {
  const { values, positionals } = parse(argv);
  if (values.help) {
    io.stdout.write(REPLAY_USAGE);
    return 0;
  }
  const [file, ...extra] = positionals;
  if (file === undefined) throw new UsageError('name the log file to replay, or - for standard input');
  if (extra.length > 0) throw new UsageError(`replay takes one input, got ${positionals.length}`);
  const format = checkedChoice('--format', values.format, FORMATS, 'text');
  const clusterName = checkedCluster(values.cluster) ?? 'replay';
  const accountId = checkedAccount(values.account);

  const out = new OutputWriter(io.stdout);
  const print = format === 'json' ? jsonLine : textBlock;
  // Messages arrive from a synchronous sink: chain the writes so they keep their order and wait for
  // one 'drain' at a time.
  let written = Promise.resolve();
  // Stop reading on Ctrl-C, or once the reader of the output has gone (`| head`).
  const stop = AbortSignal.any(io.signal ? [io.signal, out.closed] : [out.closed]);
  const summary = await replay(readLines(file, io.stdin, stop), { clusterName, accountId }, (message) => {
    const text = print(message as ReplayedMessage, clusterName);
    written = written.then(() => out.write(text));
    written.catch(() => {}); // a failed write is thrown by the `await written` below
  });
  await written;
  io.stderr.write(
    `replayed ${summary.lines} lines of ${file} as ${summary.payloads} payloads from ${REPLAY_STREAM}: ` +
      `${summary.denials} denials, ${summary.malformed} unreadable, ${summary.messages} messages to each sink\n`,
  );
  return 0;
};

function parse(argv: readonly string[]) {
  return parseCommandArgs(argv, {
    cluster: { type: 'string' },
    account: { type: 'string' },
    format: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
}

/** One object per outgoing message; `payload` is the exact body the sink would get. */
function jsonLine(message: ReplayedMessage, clusterName: string): string {
  const n = message.notification;
  const payload = message.sink === 'sns' ? JSON.parse(message.publish.Message ?? '{}') : message.body;
  return `${JSON.stringify({
    sink: message.sink,
    kind: n.kind,
    class: messageClass(n),
    cluster: n.cluster.clusterName ?? clusterName,
    category: n.finding?.category ?? null,
    subCause: n.finding?.subCause ?? null,
    principal: n.finding?.principal?.arn ?? null,
    count: n.count,
    ...(message.sink === 'sns' ? { subject: message.publish.Subject ?? '' } : {}),
    payload,
  })}\n`;
}

/** The e-mail as a subscriber reads it, or the Slack message's text as a channel shows it. */
function textBlock(message: ReplayedMessage, clusterName: string): string {
  const n = message.notification;
  const what = [n.kind, n.finding?.category, n.finding?.subCause].filter(Boolean).join(' ');
  const rule = `── ${message.sink === 'sns' ? 'SNS (e-mail)' : 'Slack'} · ${what} · ${n.cluster.clusterName ?? clusterName} · ×${n.count} `;
  if (message.sink === 'sns') {
    const body = (JSON.parse(message.publish.Message ?? '{}') as { default?: string }).default ?? '';
    return `${rule.padEnd(100, '─')}\nSubject: ${message.publish.Subject ?? ''}\n\n${body}\n`;
  }
  return `${rule.padEnd(100, '─')}\n${slackText(message.body)}\n`;
}

/** The visible text of a Block Kit message, block by block (mrkdwn left as Slack would receive it). */
function slackText(body: SlackMessage): string {
  const parts: string[] = [];
  for (const block of body.blocks) {
    if ('text' in block && block.text && typeof block.text === 'object' && 'text' in block.text) {
      parts.push(String(block.text.text));
    }
    if ('elements' in block && Array.isArray(block.elements)) {
      const texts = block.elements
        .map((element) =>
          element && typeof element === 'object' && 'text' in element ? String(element.text) : '',
        )
        .filter((text) => text !== '');
      if (texts.length > 0) parts.push(texts.join('  ·  '));
    }
  }
  return `${parts.join('\n')}\n`;
}
