import { Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { JobRunEntity } from '../entities/job-run.entity.js';

@Injectable()
export class JobRunRepository {
  private readonly runs: Repository<JobRunEntity>;

  constructor(dataSource: DataSource) {
    this.runs = dataSource.getRepository(JobRunEntity);
  }

  createQueued(run: Pick<JobRunEntity, 'id' | 'projectId' | 'queue' | 'name'>): Promise<JobRunEntity> {
    return this.runs.save(this.runs.create({ ...run, status: 'queued', attempts: 0 }));
  }

  async complete(id: string, attempts: number, result: Record<string, unknown>): Promise<void> {
    await this.runs
      .createQueryBuilder()
      .update()
      .set({ status: 'completed', attempts, result: () => ':result::jsonb', error: null, finishedAt: () => 'now()' })
      .setParameter('result', JSON.stringify(result))
      .where('id = :id', { id })
      .execute();
  }

  async fail(id: string, attempts: number, error: string): Promise<void> {
    await this.runs.update({ id }, { status: 'failed', attempts, error, finishedAt: () => 'now()' });
  }

  findById(id: string): Promise<JobRunEntity | null> {
    return this.runs.findOneBy({ id });
  }
}
