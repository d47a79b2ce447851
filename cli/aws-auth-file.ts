import { readFile } from 'node:fs/promises';
import { InputError } from './read-lines';

// `rolearn: arn:…` / `userarn: arn:…` lines, in the ConfigMap's YAML or inside its JSON strings.
const MAPPED_ARN = /\b(?:rolearn|userarn)\s*:\s*["']?(arn:[^\s"'\\,]+)/g;

/**
 * The ARNs an aws-auth ConfigMap maps, from `kubectl get configmap aws-auth -n kube-system -o yaml`
 * (or `-o json`). A line scan rather than a YAML parser: mapRoles is YAML inside YAML, often broken —
 * which is exactly when this tool is run.
 */
export function awsAuthArns(configMap: string): string[] {
  return [...configMap.matchAll(MAPPED_ARN)].map((match) => match[1] ?? '');
}

/** The text of the `--aws-auth` file, or an InputError that names it. */
export async function readAwsAuthText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read the aws-auth file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

export async function readAwsAuthFile(path: string): Promise<string[]> {
  const text = await readAwsAuthText(path);
  const arns = awsAuthArns(text);
  if (arns.length === 0) {
    throw new InputError(
      `${path} maps no rolearn/userarn; pass the output of: kubectl get configmap aws-auth -n kube-system -o yaml`,
    );
  }
  return arns;
}
