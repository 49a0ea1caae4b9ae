import { Body, Controller, Delete, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SilencesService } from '@assay/alerts';
import { Role } from '@assay/db';
import { CurrentPrincipal, Roles, type Principal } from '@assay/common';
import { CreateSilenceDto, SilenceDto, SilenceListDto, SilenceListQuery } from './alert.dto.js';
import { actorOf, projectOf } from './principal-scope.js';

@ApiTags('alerts')
@Controller('v1/silences')
export class SilencesController {
  constructor(private readonly silences: SilencesService) {}

  @Post()
  @ApiOperation({ summary: 'Silence matching alerts for a while' })
  @Roles(Role.Owner)
  @ApiCreatedResponse({ type: SilenceDto })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: CreateSilenceDto): Promise<SilenceDto> {
    const actor = actorOf(principal);
    const silence = await this.silences.create(actor.projectId, actor.by, {
      matchers: body.matchers.map((m) => ({ label: m.label, value: m.value, op: m.op ?? '=' })),
      comment: body.comment,
      startsAt: body.startsAt ? new Date(body.startsAt) : undefined,
      endsAt: new Date(body.endsAt),
    });
    return SilenceDto.from(silence);
  }

  @Get()
  @ApiOperation({ summary: 'List silences' })
  @Roles(Role.Owner, Role.Auditor)
  @ApiOkResponse({ type: SilenceListDto })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: SilenceListQuery): Promise<SilenceListDto> {
    const items = await this.silences.list(projectOf(principal), query.includeExpired === 'true');
    return { items: items.map((s) => SilenceDto.from(s)) };
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Expire a silence now' })
  @Roles(Role.Owner)
  @ApiOkResponse({ type: SilenceDto, description: 'the silence, expired now (kept for the record)' })
  async expire(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<SilenceDto> {
    return SilenceDto.from(await this.silences.expire(projectOf(principal), id));
  }
}
