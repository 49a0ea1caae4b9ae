import fs from 'node:fs';
import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { notFound } from '@assay/common';
import { ConsoleOpenRoute } from './console-access.js';

const read = (name: string): string => fs.readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8');

const ASSETS: Record<string, { type: string; body: string }> = {
  'console.css': { type: 'text/css; charset=utf-8', body: read('console.css') },
  'console.js': { type: 'text/javascript; charset=utf-8', body: read('console.js') },
};

@ApiExcludeController()
@Controller('console/assets')
export class ConsoleAssetsController {
  @Get(':name')
  @ConsoleOpenRoute()
  asset(@Param('name') name: string, @Res() response: Response): void {
    const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!asset) throw notFound(`console asset ${name}`);
    response.status(200).type(asset.type).setHeader('Cache-Control', 'public, max-age=300');
    response.send(asset.body);
  }
}
