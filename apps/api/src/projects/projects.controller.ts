import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Role } from '@assay/db';
import { ApiErrors, CurrentPrincipal, Roles, type Principal } from '@assay/common';
import { CreateProjectDto, plainSettings, ProjectDto, ProjectListDto, ProjectSettingsDto } from './project.dto.js';
import { ProjectsService } from './projects.service.js';

@ApiTags('projects')
@Controller('v1/projects')
export class ProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  @Post()
  @ApiOperation({ summary: 'Create a project' })
  @ApiErrors({ 409: 'a project with this name exists' })
  @Roles(Role.Admin)
  @ApiCreatedResponse({ type: ProjectDto })
  async create(@Body() body: CreateProjectDto): Promise<ProjectDto> {
    return ProjectDto.from(await this.projects.create(body.name, body.settings && plainSettings(body.settings)));
  }

  @Get()
  @ApiOperation({ summary: 'List the projects the key can see' })
  @Roles(Role.Admin, Role.Owner, Role.Ci, Role.Auditor)
  @ApiOkResponse({ type: ProjectListDto })
  async list(@CurrentPrincipal() principal: Principal): Promise<ProjectListDto> {
    return { items: (await this.projects.list(principal)).map(ProjectDto.from) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a project' })
  @Roles(Role.Admin, Role.Owner, Role.Ci, Role.Auditor)
  @ApiOkResponse({ type: ProjectDto })
  async get(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<ProjectDto> {
    return ProjectDto.from(await this.projects.visible(principal, id));
  }

  @Patch(':id/settings')
  @ApiOperation({ summary: 'Change a project’s settings' })
  @Roles(Role.Admin, Role.Owner)
  @ApiOkResponse({ type: ProjectDto })
  async updateSettings(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: ProjectSettingsDto,
  ): Promise<ProjectDto> {
    return ProjectDto.from(await this.projects.updateSettings(principal, id, plainSettings(body)));
  }
}
