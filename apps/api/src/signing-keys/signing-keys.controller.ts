import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Role } from '@assay/db';
import { SigningService } from '@assay/ledger';
import { Roles } from '@assay/common';
import { APP_CONFIG, type AppConfig } from '@assay/config';
import { SigningKeyDto, SigningKeyListDto } from './signing-key.dto.js';

@ApiTags('signing-keys')
@Controller('v1/signing-keys')
export class SigningKeysController {
  constructor(
    private readonly signing: SigningService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List the public signing keys' })
  @Roles(Role.Admin, Role.Owner, Role.Ci, Role.Auditor)
  @ApiOkResponse({ type: SigningKeyListDto, description: 'every public key Assay has signed with, retired ones included' })
  async list(): Promise<SigningKeyListDto> {
    return { keys: (await this.signing.publicKeys()).map((key) => SigningKeyDto.from(key, this.config.ledger.origin)) };
  }
}
