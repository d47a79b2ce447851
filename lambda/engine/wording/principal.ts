import type { FixRequest } from './fix-request';
import { PLACEHOLDER, type PrincipalNames } from './names';

/** How the denied principal is named in prose, checked names only. */

/** The principal by its checked ARN, or a neutral phrase. */
export function principalLabel(principal: PrincipalNames): string {
  return principal.known ? principal.arn : 'the denied principal';
}

/** The principal's kind in words: "IAM role", "IAM user" or "IAM principal". */
export function principalKind(principal: PrincipalNames): string {
  switch (principal.kind) {
    case 'role':
      return 'IAM role';
    case 'user':
      return 'IAM user';
    default:
      return 'IAM principal';
  }
}

/** The principal as the subject of a sentence: "IAM role arn:…", or "The denied IAM role". */
export function subject(request: FixRequest): string {
  return request.principal.known
    ? `${principalKind(request.principal)} ${request.principal.arn}`
    : `The denied ${principalKind(request.principal)}`;
}

/** The Kubernetes username a mapping of the principal gets: its name, or the placeholder. */
export function usernameFor(principal: PrincipalNames): string {
  return principal.known ? principal.name : PLACEHOLDER.username;
}
