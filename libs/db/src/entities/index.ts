import { ApiKeyEntity } from './api-key.entity.js';
import { JobRunEntity } from './job-run.entity.js';
import { ProjectEntity } from './project.entity.js';
import { ModelEntity, ModelVersionEntity, PriceEntity } from './model.entities.js';
import { LedgerCheckpointEntity, LedgerEntryEntity, SigningKeyEntity } from './ledger.entities.js';
import {
  BaselineEntity,
  BaselineSignalEntity,
  CheckRunEntity,
  ModelMonitoringEntity,
  MonitorEntity,
} from './monitoring.entities.js';

export * from './api-key.entity.js';
export * from './job-run.entity.js';
export * from './project.entity.js';
export * from './model.entities.js';
export * from './ledger.entities.js';
export * from './monitoring.entities.js';

export const ENTITIES = [
  ProjectEntity,
  ModelEntity,
  ModelVersionEntity,
  PriceEntity,
  ApiKeyEntity,
  JobRunEntity,
  LedgerEntryEntity,
  LedgerCheckpointEntity,
  SigningKeyEntity,
  BaselineEntity,
  BaselineSignalEntity,
  ModelMonitoringEntity,
  MonitorEntity,
  CheckRunEntity,
];
