import type { Node } from 'constructs';
import { type AuthDoctorConfig, CONFIG_CONTEXT_KEY, PLACEHOLDER_CLUSTER } from './auth-doctor-config';
import { ConfigError } from './config-error';
import { closestKey, noSinkProblem } from './key-suggestions';
import { SETTINGS } from './settings';
import { optionalObject } from './value-parsers';

/**
 * Reads the configuration from context: the `eks-auth-doctor` object of cdk.json, each key overridable on
 * the command line (`-c clusters=prod-eks,staging-eks`; `-c chatbot.slackChannelId=C07EZ1ABC23`).
 * Every context key is checked: one that is not ours but close to one of ours (`-c cluster=…`) is a
 * problem with a "did you mean", and so is a configuration that alerts nobody, unless `allowNoSinks`.
 *
 * @throws ConfigError listing every problem, each with the key, the bad value and an example.
 */
export function readConfig(node: Node): AuthDoctorConfig {
  const problems: string[] = [];
  const report = (problem: string) => problems.push(problem);
  const base =
    optionalObject(node.tryGetContext(CONFIG_CONTEXT_KEY), CONFIG_CONTEXT_KEY, 'see cdk.json', report) ?? {};

  const ours = SETTINGS.map((s) => s.key as string);
  for (const key of Object.keys(base)) {
    if (!ours.includes(key)) {
      const suggestion = closestKey(key, ours);
      report(
        `${key}: not a setting of eks-auth-doctor (${suggestion ? `did you mean ${suggestion}?` : 'a typo?'}). ` +
          `The settings are: ${ours.join(', ')}.`,
      );
    }
  }
  // -c keys share the context with CDK's feature flags and other tools' keys: only near-misses of ours count.
  const commandLineKeys = [...ours, ...CHATBOT_FIELD_KEYS, CONFIG_CONTEXT_KEY];
  for (const key of Object.keys(node.getAllContext())) {
    if (commandLineKeys.includes(key)) continue;
    const suggestion = closestKey(key, commandLineKeys);
    if (suggestion)
      report(
        `${key}: not a setting of eks-auth-doctor; did you mean ${suggestion}? Example: -c ${suggestion}=…`,
      );
  }

  const config: Record<string, unknown> = {};
  for (const setting of SETTINGS) {
    const raw = rawValue(node, base, setting.key);
    // Unset keys take their default; keys without one (clusters, the optional sinks) decide for themselves.
    const value =
      raw === undefined && setting.defaultValue !== undefined
        ? setting.defaultValue
        : setting.read(raw, report);
    if (value !== undefined) config[setting.key] = value;
  }
  const read = config as unknown as AuthDoctorConfig;
  // The shipped placeholder synthesises to show the stack; it cannot be deployed, so it alerts nobody anyway.
  const placeholder = read.clusters?.every((name) => name === PLACEHOLDER_CLUSTER) ?? true;
  // A sink whose value was refused has its own problem already; "no sink" would only confuse.
  const sinkRefused = problems.some((p) => SINK_KEYS.some((key) => p.startsWith(key)));
  if (!sinkRefused && !read.allowNoSinks && !placeholder) {
    const problem = noSinkProblem(read, '-c allowNoSinks=true');
    if (problem) report(problem);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return read;
}

/** The settings that deliver alerts somewhere. */
const SINK_KEYS = ['alertEmails', 'slackWebhookSecretName', 'chatbot', 'extraTopicArns'];

/** The two Chatbot fields `-c` can set one by one. */
const CHATBOT_FIELD_KEYS = ['chatbot.slackWorkspaceId', 'chatbot.slackChannelId'];

/** A `-c key=value` override wins over the cdk.json object; `chatbot.*` keys override single fields. */
function rawValue(node: Node, base: Record<string, unknown>, key: string): unknown {
  const override = node.tryGetContext(key);
  const value = override !== undefined ? override : base[key];
  if (key !== 'chatbot') return value;
  const workspace = node.tryGetContext('chatbot.slackWorkspaceId');
  const channel = node.tryGetContext('chatbot.slackChannelId');
  if (workspace === undefined && channel === undefined) return value;
  const parsed = typeof value === 'string' && value !== '' ? safeJson(value) : value;
  const object = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  return {
    ...object,
    ...(workspace !== undefined ? { slackWorkspaceId: workspace } : {}),
    ...(channel !== undefined ? { slackChannelId: channel } : {}),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
