import { Module } from '@nestjs/common';
import { TieringService } from './tiering.service.js';

@Module({ providers: [TieringService], exports: [TieringService] })
export class TieringModule {}
