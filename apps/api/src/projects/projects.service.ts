import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DuplicateNameError, ProjectRepository, Role, type ProjectEntity, type ProjectSettings } from '@assay/db';
import { DomainError, ErrorCode, notFound, type Principal } from '@assay/common';
import { LedgerKind, LedgerService } from '@assay/ledger';
import { announceModelChange } from '@assay/models';

@Injectable()
export class ProjectsService {
  constructor(
    private readonly projects: ProjectRepository,
    private readonly ledger: LedgerService,
    private readonly dataSource: DataSource,
  ) {}

  // The project and its ledger entry commit together: no project the ledger does not know of.
  async create(name: string, settings: ProjectSettings = {}): Promise<ProjectEntity> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const project = await this.projects.create(name, settings, manager);
        await this.ledger.append({ kind: LedgerKind.Project, projectId: project.id, subject: `project/${project.id}`, body: { event: 'created', name, settings: { ...settings } } }, manager);
        return project;
      });
    } catch (error) {
      if (error instanceof DuplicateNameError) throw new DomainError(ErrorCode.Conflict, error.message);
      throw error;
    }
  }

  async list(principal: Principal): Promise<ProjectEntity[]> {
    if (principal.role === Role.Admin) return this.projects.listAll();
    const own = principal.projectId ? await this.projects.findById(principal.projectId) : null;
    return own ? [own] : [];
  }

  async visible(principal: Principal, id: string): Promise<ProjectEntity> {
    const project = principal.role === Role.Admin || principal.projectId === id ? await this.projects.findById(id) : null;
    if (!project) throw notFound(`project ${id}`);
    return project;
  }

  async updateSettings(principal: Principal, id: string, settings: ProjectSettings): Promise<ProjectEntity> {
    const project = await this.visible(principal, id);
    const merged = { ...project.settings, ...settings };
    const updated = await this.dataSource.transaction(async (manager) => {
      const changed = (await this.projects.updateSettings(project.id, merged, manager))!;
      await this.ledger.append({ kind: LedgerKind.Project, projectId: project.id, subject: `project/${project.id}`, body: { event: 'settings', settings: { ...merged }, by: principal.keyId } }, manager);
      return changed;
    });
    // The ingest's model catalog carries autoRegisterModels: an ingest in this process reloads it now, others within its TTL.
    announceModelChange(project.id);
    return updated;
  }
}
