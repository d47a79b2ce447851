import { createHash } from 'node:crypto';

import { SERVICE_NAME } from '../../contract';

/**
 * The chat thread a problem's messages group under (AWS Chatbot `metadata.threadId`): the same
 * `problemKey` always gives the same thread, so an alert and its follow-ups stay together.
 *
 * A problem key embeds an ARN or error text from the log, so it is hashed rather than sent: the ID
 * is short, has a fixed alphabet, and carries no log text into the chat service.
 *
 * @example threadId('prod|IDENTITY_NOT_MAPPED|NOT_IN_AWS_AUTH|arn:aws:iam::111122223333:role/dev')
 * // → 'eks-auth-doctor-' + 32 hex digits
 */
export function threadId(problemKey: string): string {
  return hashedId(problemKey);
}

/** `eks-auth-doctor-` and 32 hex digits of the text's SHA-256: an ID that carries none of the text. */
export function hashedId(text: string): string {
  return `${SERVICE_NAME}-${createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 32)}`;
}
