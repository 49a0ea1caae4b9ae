import type { Role } from '@assay/db';

export interface Principal {
  keyId: string;
  keyName: string;
  role: Role;
  projectId: string | null;
}

export type AuthenticatedRequest = { principal?: Principal };
