import type { Actor } from '@assay/alerts';
import { DomainError, ErrorCode, type Principal } from '@assay/common';

export function projectOf(principal: Principal): string {
  if (!principal.projectId) throw new DomainError(ErrorCode.Forbidden, 'alerts, silences and subscriptions belong to a project: use a project key');
  return principal.projectId;
}

/** Who made a change, as recorded on the alert and in the ledger. */
export function actorOf(principal: Principal): Actor {
  return { projectId: projectOf(principal), by: `${principal.keyName} (key ${principal.keyId})` };
}
