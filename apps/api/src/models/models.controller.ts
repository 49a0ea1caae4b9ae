import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Role } from '@assay/db';
import { ApiErrors, CurrentPrincipal, Roles, type Principal } from '@assay/common';
import { ModelsService } from '@assay/models';
import {
  CreateModelDto,
  CreateVersionDto,
  ModelDto,
  ModelListDto,
  ModelVersionDto,
  ModelVersionListDto,
  SamplePageDto,
  SampleQueryDto,
  UpdateModelDto,
  UpdateVersionDto,
  modelSettings,
} from './model.dto.js';

const READERS = [Role.Owner, Role.Auditor, Role.Ci];

@ApiTags('models')
@Controller('v1/models')
export class ModelsController {
  constructor(private readonly models: ModelsService) {}

  @Post()
  @ApiOperation({ summary: 'Register a model' })
  @ApiErrors({ 409: 'the project already has a model of this name' })
  @Roles(Role.Owner)
  @ApiCreatedResponse({ type: ModelDto })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: CreateModelDto): Promise<ModelDto> {
    return ModelDto.from(await this.models.create(principal, { ...modelSettings(body), name: body.name }));
  }

  @Get()
  @ApiOperation({ summary: 'List the project’s models' })
  @Roles(...READERS)
  @ApiOkResponse({ type: ModelListDto })
  async list(@CurrentPrincipal() principal: Principal): Promise<ModelListDto> {
    return { items: (await this.models.list(principal)).map(ModelDto.from) };
  }

  @Get(':name')
  @ApiOperation({ summary: 'Get a model' })
  @Roles(...READERS)
  @ApiOkResponse({ type: ModelDto })
  async get(@CurrentPrincipal() principal: Principal, @Param('name') name: string): Promise<ModelDto> {
    return ModelDto.from(await this.models.get(principal, name));
  }

  @Patch(':name')
  @ApiOperation({ summary: 'Change a model’s settings' })
  @Roles(Role.Owner)
  @ApiOkResponse({ type: ModelDto })
  async update(@CurrentPrincipal() principal: Principal, @Param('name') name: string, @Body() body: UpdateModelDto): Promise<ModelDto> {
    return ModelDto.from(await this.models.update(principal, name, modelSettings(body)));
  }

  @Post(':name/versions')
  @ApiOperation({ summary: 'Register a model version' })
  @ApiErrors({ 409: 'the model already has this version' })
  @Roles(Role.Owner)
  @ApiCreatedResponse({ type: ModelVersionDto })
  async createVersion(@CurrentPrincipal() principal: Principal, @Param('name') name: string, @Body() body: CreateVersionDto): Promise<ModelVersionDto> {
    return ModelVersionDto.from(await this.models.createVersion(principal, name, body));
  }

  @Get(':name/versions')
  @ApiOperation({ summary: 'List a model’s versions' })
  @Roles(...READERS)
  @ApiOkResponse({ type: ModelVersionListDto })
  async listVersions(@CurrentPrincipal() principal: Principal, @Param('name') name: string): Promise<ModelVersionListDto> {
    return { items: (await this.models.listVersions(principal, name)).map(ModelVersionDto.from) };
  }

  @Patch(':name/versions/:version')
  @ApiOperation({ summary: 'Move a version through its lifecycle' })
  @ApiErrors({ 409: 'the lifecycle does not allow this transition' })
  @Roles(Role.Owner)
  @HttpCode(200)
  @ApiOkResponse({ type: ModelVersionDto })
  async changeLifecycle(
    @CurrentPrincipal() principal: Principal,
    @Param('name') name: string,
    @Param('version') version: string,
    @Body() body: UpdateVersionDto,
  ): Promise<ModelVersionDto> {
    return ModelVersionDto.from(await this.models.changeLifecycle(principal, name, version, body.lifecycle));
  }

  @Get(':name/samples')
  @ApiOperation({ summary: 'List a model’s latest sampled spans' })
  @Roles(...READERS)
  @ApiOkResponse({ type: SamplePageDto })
  async samples(@CurrentPrincipal() principal: Principal, @Param('name') name: string, @Query() query: SampleQueryDto): Promise<SamplePageDto> {
    return SamplePageDto.from(await this.models.samplePage(principal, name, { limit: query.limit ?? 100, version: query.version ?? null }));
  }
}
