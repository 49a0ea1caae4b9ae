import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

// Decimal counts as strings: Number('1e3') and friends would slip through an integer check.
const COUNT = /^(0|[1-9][0-9]{0,15})$/;
const COUNT_MESSAGE = (name: string): string => `${name} must be a non-negative whole number`;

export class EntryIndexParam {
  @ApiProperty({ description: 'the entry index, from 0' })
  @Matches(COUNT, { message: COUNT_MESSAGE('index') })
  index!: string;
}

export class EntryQuery {
  @ApiPropertyOptional({
    description:
      'tree size of the inclusion proof: any size above the index up to the current log size; defaults to the latest signed checkpoint',
  })
  @IsOptional()
  @Matches(COUNT, { message: COUNT_MESSAGE('treeSize') })
  treeSize?: string;
}

export class ConsistencyQuery {
  @ApiProperty({ description: 'the older tree size (0 ≤ from ≤ to)' })
  @Matches(COUNT, { message: COUNT_MESSAGE('from') })
  from!: string;

  @ApiProperty({ description: 'the newer tree size, at most the current log size' })
  @Matches(COUNT, { message: COUNT_MESSAGE('to') })
  to!: string;
}

export class CheckpointDto {
  @ApiProperty() treeSize!: number;
  @ApiProperty({ description: 'RFC 6962 root hash, base64' }) rootHash!: string;
  @ApiProperty({ description: 'the C2SP tlog-checkpoint signed note' }) note!: string;
}

export class LedgerEntryDto {
  @ApiProperty() index!: number;
  @ApiProperty() kind!: string;
  @ApiProperty({ description: 'SHA-256(0x00 || entry), lowercase hex' }) leafHash!: string;
  @ApiProperty({ description: 'the canonical JSON (RFC 8785) text the leaf hashes, byte for byte' }) entry!: string;
  @ApiProperty({ description: 'tree size the proof is for' }) treeSize!: number;
  @ApiProperty({ type: [String], description: 'RFC 9162 audit path, leaf side first, base64' }) inclusionProof!: string[];
}

export class ConsistencyDto {
  @ApiProperty({ type: [String], description: 'RFC 9162 consistency proof, base64' }) proof!: string[];
}

export class LedgerVerificationDto {
  @ApiProperty() valid!: boolean;
  @ApiProperty({ description: 'entries re-hashed' }) treeSize!: number;
  @ApiProperty({ description: 'signed checkpoints whose roots were recomputed' }) checkpointsChecked!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'the lowest index found altered' }) firstBadIndex!: number | null;
  @ApiProperty({ nullable: true, type: String }) problem!: string | null;
}
