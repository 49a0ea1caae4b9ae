import { Module } from '@nestjs/common';
import { ModelsModule } from '@assay/models';
import { ModelsController } from './models.controller.js';
import { PricesController } from './prices.controller.js';
import { UnmatchedSpansController } from './unmatched-spans.controller.js';

@Module({ imports: [ModelsModule], controllers: [ModelsController, PricesController, UnmatchedSpansController] })
export class ModelsApiModule {}
