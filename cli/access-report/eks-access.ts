import { DescribeAccessEntryCommand, type EKSClient } from '@aws-sdk/client-eks';
import type { AccessEntry } from './access-entries';

/** DescribeAccessEntry calls in flight at once: quick, and well under EKS's request rate. */
const CONCURRENCY = 4;

/**
 * The details (type, username, groups) of the given entries, `DescribeAccessEntry` each, a few at a
 * time (the cluster and the list of entries come from the pipeline's `EksLookup`). An entry whose
 * describe fails keeps its ARN alone; the failures are returned, not thrown.
 */
export async function describeAccessEntries(
  eks: EKSClient,
  clusterName: string,
  entries: readonly AccessEntry[],
): Promise<{ entries: AccessEntry[]; failures: unknown[] }> {
  const described: AccessEntry[] = [...entries];
  const failures: unknown[] = [];
  let next = 0;
  const worker = async () => {
    while (next < entries.length) {
      const index = next++;
      const entry = entries[index] as AccessEntry;
      try {
        const { accessEntry } = await eks.send(
          new DescribeAccessEntryCommand({ clusterName, principalArn: entry.principalArn }),
        );
        described[index] = {
          principalArn: accessEntry?.principalArn ?? entry.principalArn,
          type: accessEntry?.type,
          username: accessEntry?.username,
          kubernetesGroups: accessEntry?.kubernetesGroups,
          accessEntryArn: accessEntry?.accessEntryArn,
        };
      } catch (error) {
        failures.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, entries.length) }, worker));
  return { entries: described, failures };
}
