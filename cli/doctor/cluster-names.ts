import { REGION_NAME } from '../../lambda/contract';

/**
 * What a kubeconfig says about which EKS cluster it points at, read from names that follow known
 * shapes only; anything else says nothing.
 */

const EKS_HOST = /\.([a-z]{2,4}(?:-[a-z]+)+-\d{1,2})\.eks\.amazonaws\.com(?:\.cn)?$/;
const CLUSTER_ARN =
  /^arn:aws[a-z-]*:eks:([a-z]{2,4}(?:-[a-z]+)+-\d{1,2}):\d{12}:cluster\/([A-Za-z0-9][A-Za-z0-9_-]{0,99})$/;
const EKSCTL_NAME =
  /^(?:[^@]+@)?([A-Za-z0-9][A-Za-z0-9_-]{0,99})\.([a-z]{2,4}(?:-[a-z]+)+-\d{1,2})\.eksctl\.io$/;

/** The region in an EKS endpoint host (`https://ABC.gr7.eu-west-1.eks.amazonaws.com` → `eu-west-1`). */
export function regionOfServer(server: string | undefined): string | undefined {
  if (server === undefined) return undefined;
  try {
    return EKS_HOST.exec(new URL(server).hostname.toLowerCase())?.[1];
  } catch {
    return undefined;
  }
}

/**
 * The cluster a kubeconfig entry name stands for: `aws eks update-kubeconfig` names entries after the
 * cluster ARN, eksctl `<name>.<region>.eksctl.io` (contexts `<user>@<name>.<region>.eksctl.io`).
 *
 * @example
 * clusterOfEntryName('arn:aws:eks:eu-west-1:111122223333:cluster/prod'); // { name: 'prod', region: 'eu-west-1' }
 */
export function clusterOfEntryName(name: string | undefined): { name: string; region: string } | undefined {
  if (name === undefined) return undefined;
  const arn = CLUSTER_ARN.exec(name);
  if (arn) return { name: arn[2] ?? '', region: arn[1] ?? '' };
  const eksctl = EKSCTL_NAME.exec(name);
  if (eksctl) return { name: eksctl[1] ?? '', region: eksctl[2] ?? '' };
  return undefined;
}

export function isRegion(text: string | undefined): text is string {
  return text !== undefined && REGION_NAME.test(text);
}

/** Two API server URLs name the same endpoint (case, a trailing slash and the default port aside). */
export function sameEndpoint(a: string, b: string): boolean {
  try {
    const [x, y] = [new URL(a), new URL(b)];
    return (
      x.protocol === y.protocol &&
      x.host.toLowerCase() === y.host.toLowerCase() &&
      x.pathname.replace(/\/$/, '') === y.pathname.replace(/\/$/, '')
    );
  } catch {
    return a.replace(/\/$/, '').toLowerCase() === b.replace(/\/$/, '').toLowerCase();
  }
}
