import { describe, expect, it } from 'vitest';
import { clusterLogGroupName, partitionOfRegion } from '../../../lambda/contract/names';

describe('the partition of a region', () => {
  it.each([
    ['eu-west-1', 'aws'],
    ['ap-southeast-7', 'aws'],
    ['cn-north-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['us-iso-east-1', 'aws-iso'],
    ['us-isob-east-1', 'aws-iso-b'],
    ['eu-isoe-west-1', 'aws-iso-e'],
    ['us-isof-south-1', 'aws-iso-f'],
  ])('is read from the region name: %s is in %s', (region, partition) => {
    // Act & Assess
    expect(partitionOfRegion(region)).toBe(partition);
  });

  it('is the commercial partition when the region is not known', () => {
    // Act & Assess
    expect(partitionOfRegion(undefined)).toBe('aws');
  });
});

describe('where EKS writes a cluster log', () => {
  it('is /aws/eks/<cluster>/cluster', () => {
    // Act & Assess
    expect(clusterLogGroupName('prod-eu')).toBe('/aws/eks/prod-eu/cluster');
  });
});
