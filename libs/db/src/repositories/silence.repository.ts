import { Injectable } from '@nestjs/common';
import { DataSource, MoreThan, type Repository } from 'typeorm';
import { SilenceEntity } from '../entities/silence.entity.js';

export type NewSilence = Omit<SilenceEntity, 'id' | 'createdAt'>;

@Injectable()
export class SilenceRepository {
  private readonly silences: Repository<SilenceEntity>;

  constructor(dataSource: DataSource) {
    this.silences = dataSource.getRepository(SilenceEntity);
  }

  create(silence: NewSilence): Promise<SilenceEntity> {
    return this.silences.save(this.silences.create({ ...silence, createdAt: new Date() }));
  }

  findForProject(projectId: string, id: string): Promise<SilenceEntity | null> {
    return this.silences.findOneBy({ projectId, id });
  }

  list(projectId: string, includeExpired: boolean): Promise<SilenceEntity[]> {
    return this.silences.find({
      where: includeExpired ? { projectId } : { projectId, endsAt: MoreThan(new Date()) },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: 1000,
    });
  }

  // Those not yet expired; whether one has started is decided by the caller's clock.
  unexpired(projectId: string, at: Date): Promise<SilenceEntity[]> {
    return this.silences.find({ where: { projectId, endsAt: MoreThan(at) } });
  }

  // Expiring keeps the record of what was silenced and when.
  async expire(projectId: string, id: string): Promise<SilenceEntity | null> {
    await this.silences
      .createQueryBuilder()
      .update()
      .set({ endsAt: () => 'GREATEST(starts_at + interval \'1 millisecond\', LEAST(ends_at, now()))' })
      .where('project_id = :projectId AND id = :id', { projectId, id })
      .execute();
    return this.findForProject(projectId, id);
  }
}
