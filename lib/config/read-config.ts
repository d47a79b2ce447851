import type { Node } from 'constructs';
import { type AuthDoctorConfig, CONFIG_CONTEXT_KEY } from './auth-doctor-config';
import { ConfigError } from './config-error';
import { SETTINGS } from './settings';
import { optionalObject } from './value-parsers';

/**
 * Reads the configuration from context: the `eks-auth-doctor` object of cdk.json, each key overridable on
 * the command line (`-c clusters=prod-eks,staging-eks`; `-c chatbot.slackChannelId=C07EZ1ABC23`).
 *
 * @throws ConfigError listing every problem, each with the key, the bad value and an example.
 */
export function readConfig(node: Node): AuthDoctorConfig {
  const problems: string[] = [];
  const report = (problem: string) => problems.push(problem);
  const base =
    optionalObject(node.tryGetContext(CONFIG_CONTEXT_KEY), CONFIG_CONTEXT_KEY, 'see cdk.json', report) ?? {};

  const known = new Set(SETTINGS.map((s) => s.key as string));
  for (const key of Object.keys(base)) {
    if (!known.has(key)) {
      report(
        `${key}: not a setting of eks-auth-doctor (a typo?). The settings are: ${[...known].join(', ')}.`,
      );
    }
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
  if (problems.length > 0) throw new ConfigError(problems);
  return config as unknown as AuthDoctorConfig;
}

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
