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
import { GateDecisionEntity, GatePolicyEntity } from './gate.entities.js';
import { ReportEntity, ReportScheduleEntity } from './report.entities.js';
import { AlertEntity } from './alert.entity.js';
import { SubscriptionEntity } from './subscription.entity.js';
import { SilenceEntity } from './silence.entity.js';
import { DeliveryEntity } from './delivery.entity.js';
import { NotificationGroupEntity } from './alert-notification-group.entity.js';

export * from './api-key.entity.js';
export * from './job-run.entity.js';
export * from './project.entity.js';
export * from './model.entities.js';
export * from './ledger.entities.js';
export * from './monitoring.entities.js';
export * from './gate.entities.js';
export * from './report.entities.js';
export * from './alert.entity.js';
export * from './subscription.entity.js';
export * from './silence.entity.js';
export * from './delivery.entity.js';
export * from './alert-notification-group.entity.js';

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
  GatePolicyEntity,
  GateDecisionEntity,
  ReportEntity,
  ReportScheduleEntity,
  AlertEntity,
  SubscriptionEntity,
  SilenceEntity,
  DeliveryEntity,
  NotificationGroupEntity,
];
