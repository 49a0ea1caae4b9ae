import { Body, Controller, Delete, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Role } from '@assay/db';
import { ApiErrors, CurrentPrincipal, Roles, type Principal } from '@assay/common';
import { CreatedKeyDto, CreateKeyDto, KeyDto, KeyListDto, KeyListQuery } from './key.dto.js';
import { KeysService } from './keys.service.js';

@ApiTags('keys')
@Controller('v1/keys')
export class KeysController {
  constructor(private readonly keys: KeysService) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key (the secret is shown once)' })
  @Roles(Role.Admin, Role.Owner)
  @ApiCreatedResponse({ type: CreatedKeyDto })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: CreateKeyDto): Promise<CreatedKeyDto> {
    const { key, secret } = await this.keys.create(principal, body);
    return { ...KeyDto.from(key), key: secret };
  }

  @Get()
  @ApiOperation({ summary: 'List API keys' })
  @Roles(Role.Admin, Role.Owner)
  @ApiOkResponse({ type: KeyListDto })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: KeyListQuery): Promise<KeyListDto> {
    return { items: (await this.keys.list(principal, query.projectId)).map(KeyDto.from) };
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Revoke an API key' })
  @ApiErrors({ 409: 'the bootstrap admin key is replaced through ASSAY_ADMIN_KEY, not revoked' })
  @Roles(Role.Admin, Role.Owner)
  @ApiOkResponse({ type: KeyDto })
  async revoke(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<KeyDto> {
    return KeyDto.from(await this.keys.revoke(principal, id));
  }
}
