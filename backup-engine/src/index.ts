/**
 * The backup engine's public API. `bot/` and the CLI import from here only; nothing here imports botbuilder.
 */
export { runBackup, newSnapshotId } from './backup/run-backup';
export type { BackupOptions, BackupProgress, BackupResult } from './backup/run-backup';
export { acquireLease, isLeaseHeldError, LeaseHeldError, isLeaseLostError } from './backup/lease';
export { SnapshotQueries, SnapshotNotFoundError, diffBodies } from './query/snapshot-queries';
export { NameQueryError, isNameQueryError } from './query/name-index';
export type {
  AttributeChange, FoundObject, LinkDifference, NamedKind, NamedObject, RelationshipChange, Relationships, SnapshotRef, TenantDiff, VersionInfo,
} from './query/snapshot-queries';
export { DEFAULT_RETENTION, check, planPrune, prune } from './retention/retention';
export type { CheckProblem, CheckResult, PrunePlan, PruneResult, RetentionPolicy } from './retention/retention';
export { readEngineSettings, openEngine, DEFAULT_GRAPH_BASE_URL, DEFAULT_COSMOS_PORT, DEFAULT_DATA_FILE } from './runtime';
export type { EngineSettings, OpenedEngine } from './runtime';
export { GraphDirectoryGateway } from './graph';
export { MemorySnapshotStore } from './store/memory-store';
export { openCosmosStore, CosmosSnapshotStore } from './store/cosmos-store';
export { startLocalCosmos } from './store/local-cosmos';
export type { LocalCosmos } from './store/local-cosmos';
export * from './errors';
export type { DirectoryGateway, GatewayStats, TenantInfo } from './ports/directory-gateway';
export type { SnapshotStore } from './ports/snapshot-store';
export type * from './model/directory';
export type { SnapshotDocument, BackupStats, ChangeCounts, EntryCounts } from './snapshot/documents';
export type { EntryKind } from './snapshot/keys';
export { entryKey, ENTRY_KINDS } from './snapshot/keys';
export { planRestore, planHashOf, GLOBAL_ADMINISTRATOR_TEMPLATE_ID } from './restore/plan';
export type { PlanRequest } from './restore/service';
export { Restores } from './restore/restores';
export { approvalStateFrom, decide, displayStatus, isExpired, refusalFor } from './restore/approval';
export type { ApprovalState, Approver, DecisionResult, Refusal, RefusalCode } from './restore/approval';
export type { ExecuteOptions, RestoresOptions } from './restore/restores';
export {
  NeedsReapprovalError, RestoreRefusedError, NothingToRestoreError, isNeedsReapprovalError, isRestoreRefusedError, isNothingToRestoreError,
  approvalsRequiredFor, DEFAULT_APPROVAL_TTL_MS,
} from './restore/execute';
export type { CredentialAccount, DeliveredSecret, DeliverSecret, DeliveryReceipt, RequestInput, RestoreOutcome } from './restore/execute';
export { UndoUnavailableError } from './restore/undo';
export { RestoreRecords } from './restore/records';
export type { ApprovalDecision, ApprovalDocument, AuditEventDocument, RestoreRequestDocument, RestoreResultDocument, RestoreStatus } from './restore/records';
export { GRAPH_WRITE_QUOTA } from './graph/policies/write-pacer';
export type { WriteQuota } from './graph/policies/write-pacer';
export { Lineage } from './lineage/lineage';
export type { LineageDocument, Recreation } from './lineage/lineage';
export { GraphDirectoryWriter } from './graph/graph-writer';
export type { DirectoryWriter } from './ports/directory-writer';
export { DEFAULT_RESTORE_OPTIONS } from './restore/types';
export type { RestorePlan, RestoreOptions, RestoreTarget, RestoreStep, PlanSkip, SkipReason } from './restore/types';
export { exponentialBackoffInMs, retryAfterInMs } from './graph/policies/retry-after';
