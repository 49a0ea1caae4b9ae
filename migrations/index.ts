import { Foundation1764320000000 } from './1764320000000-Foundation.js';
import { Models1764320010000 } from './1764320010000-Models.js';
import { IngestRedeliveryGuard1764320010100 } from './1764320010100-IngestRedeliveryGuard.js';
import { Ledger1764320020000 } from './1764320020000-Ledger.js';
import { Monitoring1764320030000 } from './1764320030000-Monitoring.js';
import { Alerts1764320040000 } from './1764320040000-Alerts.js';
import { GatesReports1764320050000 } from './1764320050000-GatesReports.js';
import { SampleKeysCollateC1764320060000 } from './1764320060000-SampleKeysCollateC.js';
import { CheaperSampleInserts1764320070000 } from './1764320070000-CheaperSampleInserts.js';
import { AlertLedgerIndex1764320080000 } from './1764320080000-AlertLedgerIndex.js';
import { GenAiClientMetrics1764320090000 } from './1764320090000-GenAiClientMetrics.js';
import { SamplePartitionsAsOwner1764320095000 } from './1764320095000-SamplePartitionsAsOwner.js';
import { ArtifactDigestAlgorithms1764320100000 } from './1764320100000-ArtifactDigestAlgorithms.js';
import { MonitorVersionScope1764320110000 } from './1764320110000-MonitorVersionScope.js';
import { NotificationRecoveryIndexes1764320100600 } from './1764320100600-NotificationRecoveryIndexes.js';
import { ConsoleSessions1764320120000 } from './1764320120000-ConsoleSessions.js';
import { CalibratedDecisions1764320130000 } from './1764320130000-CalibratedDecisions.js';
import { CheckExplanations1764320140000 } from './1764320140000-CheckExplanations.js';
import { BaselineNulls1764320200000 } from './1764320200000-BaselineNulls.js';
import { SubscriptionEvents1764320220000 } from './1764320220000-SubscriptionEvents.js';
import { AlertAfter1764320260000 } from './1764320260000-AlertAfter.js';
import { Journeys1764320270000 } from './1764320270000-Journeys.js';
import { TieringReports1764320280000 } from './1764320280000-TieringReports.js';

export { LEDGER_OWNER_ROLE } from './1764320020000-Ledger.js';

// Order matters: TypeORM runs pending migrations in timestamp order, and this list is what it knows.
export const MIGRATIONS = [
  Foundation1764320000000,
  Models1764320010000,
  IngestRedeliveryGuard1764320010100,
  Ledger1764320020000,
  Monitoring1764320030000,
  Alerts1764320040000,
  GatesReports1764320050000,
  SampleKeysCollateC1764320060000,
  CheaperSampleInserts1764320070000,
  AlertLedgerIndex1764320080000,
  GenAiClientMetrics1764320090000,
  SamplePartitionsAsOwner1764320095000,
  ArtifactDigestAlgorithms1764320100000,
  NotificationRecoveryIndexes1764320100600,
  MonitorVersionScope1764320110000,
  ConsoleSessions1764320120000,
  CalibratedDecisions1764320130000,
  CheckExplanations1764320140000,
  BaselineNulls1764320200000,
  SubscriptionEvents1764320220000,
  AlertAfter1764320260000,
  Journeys1764320270000,
  TieringReports1764320280000,
];
