import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag v3 acknowledges findings one by one, by ID; a wildcard resource's ID embeds the resource as
 * cdk-nag prints it (`arn:<AWS::Partition>:…`, `<LogicalId.Arn>`). These helpers build those IDs from the
 * same ARN the policy uses, so an acknowledgement follows the resource instead of a copied string.
 */
export function wildcardResourceFinding(scope: IConstruct, resource: string): string {
  return `AwsSolutions-IAM5[Resource::${flatten(Stack.of(scope).resolve(resource))}]`;
}

/** Acknowledges the wildcard-resource finding of each resource, all for one reason. */
export function acknowledgeWildcardResources(
  scope: IConstruct,
  resources: readonly string[],
  reason: string,
): void {
  const ids = [...new Set(resources.map((resource) => wildcardResourceFinding(scope, resource)))];
  Validations.of(scope).acknowledge(...ids.map((id) => ({ id, reason })));
}

/** The notation cdk-nag uses for a CloudFormation value: `Ref` and `Fn::GetAtt` in angle brackets, joins flattened. */
function flatten(value: unknown): string {
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (value && typeof value === 'object') {
    const node = value as Record<string, unknown>;
    if (Array.isArray(node['Fn::Join'])) {
      const [delimiter, items] = node['Fn::Join'] as [string, unknown[]];
      return items.map(flatten).join(delimiter);
    }
    if ('Fn::Sub' in node) return flatten(node['Fn::Sub']);
    if (Array.isArray(node['Fn::GetAtt'])) {
      const [resource, attribute] = node['Fn::GetAtt'] as [unknown, unknown];
      return `<${flatten(resource)}.${flatten(attribute)}>`;
    }
    if ('Fn::ImportValue' in node) return flatten(node['Fn::ImportValue']);
    if ('Ref' in node) return `<${flatten(node.Ref)}>`;
  }
  return JSON.stringify(value);
}
