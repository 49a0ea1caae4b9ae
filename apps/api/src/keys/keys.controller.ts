import { Body, Controller, Delete, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Role } from '@assay/db';
import { CurrentPrincipal, Roles, type Principal } from '@assay/common';
import { CreatedKeyDto, CreateKeyDto, KeyDto, KeyListDto, KeyListQuery } from './key.dto.js';
import { KeysService } from './keys.service.js';

@ApiTags('keys')
@Controller('v1/keys')
export class KeysController {
  constructor(private readonly keys: KeysService) {}

  @Post()
  @Roles(Role.Admin, Role.Owner)
  @ApiCreatedResponse({ type: CreatedKeyDto })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: CreateKeyDto): Promise<CreatedKeyDto> {
    const { key, secret } = await this.keys.create(principal, body);
    return { ...KeyDto.from(key), key: secret };
  }

  @Get()
  @Roles(Role.Admin, Role.Owner)
  @ApiOkResponse({ type: KeyListDto })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: KeyListQuery): Promise<KeyListDto> {
    return { items: (await this.keys.list(principal, query.projectId)).map(KeyDto.from) };
  }

  @Delete(':id')
  @Roles(Role.Admin, Role.Owner)
  @ApiOkResponse({ type: KeyDto })
  async revoke(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<KeyDto> {
    return KeyDto.from(await this.keys.revoke(principal, id));
  }
}
