import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { Role, type ApiKeyEntity } from '@assay/db';

export class CreateKeyDto {
  @ApiPropertyOptional({ format: 'uuid', description: "the key's project: required from an admin key for every role but admin; an owner key's own project by default, and no other" })
  @IsOptional()
  @IsUUID()
  projectId?: string;

  @ApiProperty({ enum: Role })
  @IsEnum(Role)
  role!: Role;

  @ApiProperty({ example: 'github-actions' })
  @IsString()
  @Length(1, 200)
  name!: string;
}

export class KeyDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) projectId!: string | null;
  @ApiProperty({ enum: Role }) role!: Role;
  @ApiProperty() name!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) revokedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) lastUsedAt!: string | null;

  static from(entity: ApiKeyEntity): KeyDto {
    return {
      id: entity.id,
      projectId: entity.projectId,
      role: entity.role,
      name: entity.name,
      createdAt: entity.createdAt.toISOString(),
      revokedAt: entity.revokedAt?.toISOString() ?? null,
      lastUsedAt: entity.lastUsedAt?.toISOString() ?? null,
    };
  }
}

export class CreatedKeyDto extends KeyDto {
  @ApiProperty({ description: 'the secret; shown only in this response' })
  key!: string;
}

export class KeyListDto {
  @ApiProperty({ type: [KeyDto] }) items!: KeyDto[];
}

export class KeyListQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  projectId?: string;
}
