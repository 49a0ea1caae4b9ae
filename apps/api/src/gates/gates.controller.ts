import { Body, Controller, Get, Headers, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Role } from '@assay/db';
import { ApiErrors, badInput, CurrentPrincipal, Roles, type Principal } from '@assay/common';
import { GatesService } from '@assay/gates';
import { EvaluateGateDto, GateDecisionDto, GatePolicyDto, GatePolicyViewDto } from './gate.dto.js';

const SIGNAL = /^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/;

function projectOf(principal: Principal): string {
  if (!principal.projectId) throw badInput('this route works on a project: use a key of the project');
  return principal.projectId;
}

@ApiTags('gates')
@Controller()
export class GatesController {
  constructor(private readonly gates: GatesService) {}

  @Post('v1/gates/evaluate')
  @ApiOperation({ summary: 'Decide whether a model version may be promoted' })
  @ApiErrors({ 404: 'no such model or version in the project', 409: 'the lifecycle refused the promotion, or the Idempotency-Key was used with another body' })
  @HttpCode(200)
  @Roles(Role.Ci, Role.Owner)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'required with promote: true; a replay returns the stored decision' })
  @ApiOkResponse({ type: GateDecisionDto })
  async evaluate(
    @CurrentPrincipal() principal: Principal,
    @Body() body: EvaluateGateDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ): Promise<GateDecisionDto> {
    const key = idempotencyKey?.trim() || null;
    if (key !== null && key.length > 200) throw badInput('Idempotency-Key is at most 200 characters');
    if (body.promote && key === null) throw badInput('promote: true needs an Idempotency-Key header, so a retried request cannot promote twice');
    return GateDecisionDto.from(await this.gates.evaluate(projectOf(principal), body, key));
  }

  @Get('v1/models/:name/gate-policy')
  @ApiOperation({ summary: 'Get a model’s gate policy' })
  @Roles(Role.Owner, Role.Ci, Role.Auditor)
  @ApiOkResponse({ type: GatePolicyViewDto })
  async getPolicy(@CurrentPrincipal() principal: Principal, @Param('name') name: string): Promise<GatePolicyViewDto> {
    return GatePolicyViewDto.from((await this.gates.getPolicy(projectOf(principal), name)).policy);
  }

  @Put('v1/models/:name/gate-policy')
  @ApiOperation({ summary: 'Set a model’s gate policy' })
  @Roles(Role.Owner)
  @ApiOkResponse({ type: GatePolicyViewDto })
  async putPolicy(@CurrentPrincipal() principal: Principal, @Param('name') name: string, @Body() body: GatePolicyDto): Promise<GatePolicyViewDto> {
    for (const [signal, bound] of Object.entries(body.requiredScores ?? {})) {
      if (!SIGNAL.test(signal)) throw badInput(`requiredScores: "${signal}" is not a signal name`);
      if (typeof bound !== 'object' || bound === null || Array.isArray(bound)) throw badInput(`requiredScores.${signal} must be {min?, max?}`);
      const extra = Object.keys(bound).filter((k) => k !== 'min' && k !== 'max');
      if (extra.length > 0) throw badInput(`requiredScores.${signal}: unknown field ${extra[0]}`);
      for (const value of Object.values(bound)) if (typeof value !== 'number' || !Number.isFinite(value)) throw badInput(`requiredScores.${signal}: bounds must be numbers`);
      if (bound.min === undefined && bound.max === undefined) throw badInput(`requiredScores.${signal} needs min or max`);
    }
    return GatePolicyViewDto.from(await this.gates.putPolicy(projectOf(principal), name, body));
  }
}
