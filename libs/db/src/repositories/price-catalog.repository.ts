import { Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { PriceEntity } from '../entities/model.entities.js';

export interface PriceInput {
  provider: string;
  model: string;
  inputPerMillion: number;
  cachedInputPerMillion: number | null;
  outputPerMillion: number;
}

@Injectable()
export class PriceCatalogRepository {
  private readonly prices: Repository<PriceEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.prices = dataSource.getRepository(PriceEntity);
  }

  /** Inserts or replaces the given prices in one statement; prices not named are kept. */
  async upsert(projectId: string, prices: PriceInput[]): Promise<void> {
    if (prices.length === 0) return;
    await this.dataSource.query(
      `INSERT INTO price_catalog (project_id, provider, model, input_per_million, cached_input_per_million, output_per_million, updated_at)
       SELECT $1, p, m, i, c, o, now() FROM unnest($2::text[], $3::text[], $4::numeric[], $5::numeric[], $6::numeric[]) AS t(p, m, i, c, o)
       ON CONFLICT (project_id, provider, model) DO UPDATE SET
         input_per_million = excluded.input_per_million,
         cached_input_per_million = excluded.cached_input_per_million,
         output_per_million = excluded.output_per_million,
         updated_at = now()`,
      [
        projectId,
        prices.map((p) => p.provider),
        prices.map((p) => p.model),
        prices.map((p) => p.inputPerMillion),
        prices.map((p) => p.cachedInputPerMillion),
        prices.map((p) => p.outputPerMillion),
      ],
    );
  }

  list(projectId: string): Promise<PriceEntity[]> {
    return this.prices.find({ where: { projectId }, order: { provider: 'ASC', model: 'ASC' } });
  }
}
