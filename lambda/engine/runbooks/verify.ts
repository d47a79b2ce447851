import type { FixStep } from '../types';
import { KUBECTL_GET_SVC } from '../wording/commands';

/** The last step of most fixes: one request that proves the fix worked. */
export function verifyStep(): FixStep {
  return {
    text: 'Verify: this request should now succeed instead of returning Unauthorized.',
    command: KUBECTL_GET_SVC,
  };
}
