import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Role } from '@assay/db';
import { Roles } from '@assay/common';
import { DriftCompareDto, DriftResultDto, MAX_COMPARE_VALUES } from './drift.dto.js';
import { DriftService } from './drift.service.js';

@ApiTags('drift')
@Controller('v1/drift')
export class DriftController {
  constructor(private readonly drift: DriftService) {}

  @Post('compare')
  @HttpCode(200)
  @Roles(Role.Owner, Role.Ci)
  @ApiOperation({
    summary: 'Compare two samples',
    description: `Runs one drift method (or picks one with auto) on two samples of at most ${MAX_COMPARE_VALUES} values each, within the API body limit.`,
  })
  @ApiOkResponse({ type: DriftResultDto })
  compare(@Body() body: DriftCompareDto): DriftResultDto {
    return this.drift.compare(body);
  }
}
