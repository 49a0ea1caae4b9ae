import { Module } from '@nestjs/common';
import { ModelCatalog } from './model-catalog.service.js';
import { ModelsService } from './models.service.js';
import { PricesService } from './prices.service.js';

@Module({ providers: [ModelsService, PricesService, ModelCatalog], exports: [ModelsService, PricesService, ModelCatalog] })
export class ModelsModule {}
