import { Injectable } from '@nestjs/common';
import { PriceCatalogRepository, type PriceEntity, type PriceInput } from '@assay/db';
import type { Principal } from '@assay/common';
import { announceModelChange } from './model-catalog.service.js';
import { projectOf } from './models.service.js';

@Injectable()
export class PricesService {
  constructor(private readonly prices: PriceCatalogRepository) {}

  async put(principal: Principal, prices: PriceInput[]): Promise<PriceEntity[]> {
    const projectId = projectOf(principal);
    await this.prices.upsert(projectId, prices);
    announceModelChange(projectId);
    return this.prices.list(projectId);
  }

  list(principal: Principal): Promise<PriceEntity[]> {
    return this.prices.list(projectOf(principal));
  }
}
