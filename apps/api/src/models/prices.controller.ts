import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Role, type PriceEntity } from '@assay/db';
import { CurrentPrincipal, Roles, type Principal } from '@assay/common';
import { PricesService } from '@assay/models';
import { PriceDto, PriceListDto, PutPricesDto } from './model.dto.js';

const toDto = (p: PriceEntity): PriceDto => ({
  provider: p.provider,
  model: p.model,
  inputPerMillion: p.inputPerMillion,
  cachedInputPerMillion: p.cachedInputPerMillion,
  outputPerMillion: p.outputPerMillion,
});

/** The project's token prices, from which the ingest computes the signal cost_usd. */
@ApiTags('models')
@Controller('v1/prices')
export class PricesController {
  constructor(private readonly prices: PricesService) {}

  @Put()
  @ApiOperation({ summary: 'Set the token prices used for cost' })
  @Roles(Role.Owner)
  @ApiOkResponse({ type: PriceListDto })
  async put(@CurrentPrincipal() principal: Principal, @Body() body: PutPricesDto): Promise<PriceListDto> {
    const prices = body.prices.map((p) => ({ ...p, cachedInputPerMillion: p.cachedInputPerMillion ?? null }));
    return { items: (await this.prices.put(principal, prices)).map(toDto) };
  }

  @Get()
  @ApiOperation({ summary: 'List the token prices' })
  @Roles(Role.Owner, Role.Auditor, Role.Ci)
  @ApiOkResponse({ type: PriceListDto })
  async list(@CurrentPrincipal() principal: Principal): Promise<PriceListDto> {
    return { items: (await this.prices.list(principal)).map(toDto) };
  }
}
