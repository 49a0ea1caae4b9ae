import { Injectable } from '@nestjs/common';
import { DataSource, QueryFailedError, type EntityManager, type Repository } from 'typeorm';
import { ProjectEntity, type ProjectSettings } from '../entities/project.entity.js';

export class DuplicateNameError extends Error {}

const UNIQUE_VIOLATION = '23505';

export function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string }).code === UNIQUE_VIOLATION;
}

@Injectable()
export class ProjectRepository {
  private readonly projects: Repository<ProjectEntity>;

  constructor(dataSource: DataSource) {
    this.projects = dataSource.getRepository(ProjectEntity);
  }

  /** Inside the caller's transaction when `manager` is given. */
  async create(name: string, settings: ProjectSettings = {}, manager?: EntityManager): Promise<ProjectEntity> {
    const projects = manager?.getRepository(ProjectEntity) ?? this.projects;
    try {
      return await projects.save(projects.create({ name, settings }));
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateNameError(`a project named "${name}" already exists`);
      throw error;
    }
  }

  findById(id: string): Promise<ProjectEntity | null> {
    return this.projects.findOneBy({ id });
  }

  listAll(): Promise<ProjectEntity[]> {
    return this.projects.find({ order: { createdAt: 'ASC' } });
  }

  async updateSettings(id: string, settings: ProjectSettings, manager?: EntityManager): Promise<ProjectEntity | null> {
    const projects = manager?.getRepository(ProjectEntity) ?? this.projects;
    await projects.update({ id }, { settings });
    return projects.findOneBy({ id });
  }
}
