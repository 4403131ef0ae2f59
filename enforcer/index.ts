// The package's main entry: the engine (bindings) plus the stateful enforcer.

export * from "../bindings/index";
export { Enforcer, EnforcerError, type EnforcerOptions, type EnforcerEvent } from "./enforcer";
export { MemoryStore } from "./memory-store";
export type { Store, StateEntry, DocEntry, ListedDoc, AuditEntry, AuditHead, CommitBatch, CommitDoc, CommitResult } from "./store";
export { verifyAuditLog, type AuditRecord, type AuditVerdict, type AuditProblem } from "./audit";
export { generateSigningKey, importSigningKey, verifyCompact, canonicalJson, requestDigest, type SigningKey } from "./signing";
export type * from "./types";
export { Records, type RecordKind, type SharedRecordKind, type RecordPutOptions } from "./records";
export { ERROR_STATUS, VALIDATION_STATUS, statusOf, isErrorCode, type ErrorCode, type EnforcerErrorCode } from "./error-codes";
