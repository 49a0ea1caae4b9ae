import { Module } from '@nestjs/common';
import { TieringModule } from '@assay/tiering';
import { TieringController } from './tiering.controller.js';

@Module({ imports: [TieringModule], controllers: [TieringController] })
export class TieringApiModule {}
