import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiKeyRepository, ProjectRepository, Role, type ApiKeyEntity } from '@assay/db';
import { ApiKeyService, DomainError, ErrorCode, badInput, notFound, type Principal } from '@assay/common';
import { LedgerKind, LedgerService } from '@assay/ledger';

@Injectable()
export class KeysService {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly projects: ProjectRepository,
    private readonly issuer: ApiKeyService,
    private readonly ledger: LedgerService,
    private readonly dataSource: DataSource,
  ) {}

  async create(principal: Principal, input: { projectId?: string; role: Role; name: string }): Promise<{ key: ApiKeyEntity; secret: string }> {
    if (principal.role !== Role.Admin && input.role === Role.Admin) {
      throw new DomainError(ErrorCode.Forbidden, 'only an admin key can create admin keys');
    }
    const projectId = await this.projectOfNewKey(principal, input);
    // The key and its ledger entry commit together: no key, and no revocation, the ledger does not know of.
    return this.dataSource.transaction(async (manager) => {
      const issued = await this.issuer.issue({ projectId, role: input.role, name: input.name }, manager);
      const event = { event: 'created', keyId: issued.key.id, role: issued.key.role, name: issued.key.name, by: principal.keyId };
      await this.ledger.append({ kind: LedgerKind.KeyEvent, projectId, subject: `api-key/${issued.key.id}`, body: event }, manager);
      return issued;
    });
  }

  // An owner's key names its project, so an owner may omit projectId; naming another project is a role
  // it does not hold there (403), not a resource hidden from it.
  private async projectOfNewKey(principal: Principal, input: { projectId?: string; role: Role }): Promise<string | null> {
    if (input.role === Role.Admin) {
      if (input.projectId) throw badInput('admin keys are not scoped to a project; omit projectId');
      return null;
    }
    if (principal.role !== Role.Admin) {
      if (!principal.projectId) throw new DomainError(ErrorCode.Forbidden, 'this key belongs to no project');
      if (input.projectId && input.projectId !== principal.projectId) {
        throw new DomainError(ErrorCode.Forbidden, `an owner key creates keys in its own project (${principal.projectId}) only`);
      }
      return principal.projectId;
    }
    if (!input.projectId) throw badInput('projectId is required for a non-admin key');
    if (!(await this.projects.findById(input.projectId))) throw notFound(`project ${input.projectId}`);
    return input.projectId;
  }

  list(principal: Principal, projectId?: string): Promise<ApiKeyEntity[]> {
    if (principal.role === Role.Admin) return this.keys.list(projectId ?? null);
    if (projectId && projectId !== principal.projectId) throw notFound(`project ${projectId}`);
    return this.keys.list(principal.projectId);
  }

  async revoke(principal: Principal, id: string): Promise<ApiKeyEntity> {
    const key = await this.keys.findById(id);
    if (!key || (principal.role !== Role.Admin && key.projectId !== principal.projectId)) throw notFound(`key ${id}`);
    if (key.isBootstrap) throw new DomainError(ErrorCode.Conflict, 'the bootstrap admin key is replaced through ASSAY_ADMIN_KEY, not revoked');
    return this.dataSource.transaction(async (manager) => {
      const revoked = (await this.keys.revoke(id, manager))!;
      await this.ledger.append({ kind: LedgerKind.KeyEvent, projectId: revoked.projectId, subject: `api-key/${id}`, body: { event: 'revoked', keyId: id, role: revoked.role, by: principal.keyId } }, manager);
      return revoked;
    });
  }
}
