/** The public API of `@tessera/core`: the container module, its service identifiers and the types they serve. */
import 'reflect-metadata';
export { coreModule } from './core-module.js';
export { CORE } from './tokens.js';
export type { CoreOptions, NetworkOptions, HttpOptions, TokenOptions } from './core-options.js';

export type { Clock } from './clock/clock.js';
export { systemClock } from './clock/clock.js';
export type { ResolvedCoreOptions } from './core-options.js';
export { KeyRing, generateMasterKey, type KeyRingConfig } from './crypto/key-ring.js';

export { TesseraError } from './errors/tessera-error.js';
export { ERROR_STATUS, statusOfCode, type ErrorCode } from './errors/error-codes.js';
export { ValidationError, type FieldIssue } from './errors/validation-error.js';
export { zodIssues } from './errors/zod-issues.js';
export { NotFoundError } from './errors/not-found-error.js';
export { flatHeaders } from './http/flat-headers.js';
export { isAxiosError } from './http/axios-runtime.js';
export { networkFailure, networkReason, systemCodeOf, isTlsCode, type NetworkFailure } from './http/network-failure.js';
export { KindNotLoadedError } from './errors/kind-not-loaded-error.js';
export { ConflictError } from './errors/conflict-error.js';
export { ConfigurationError } from './errors/configuration-error.js';
export { CredentialsRequiredError } from './errors/credentials-required-error.js';
export { SecretParamsError } from './errors/secret-params-error.js';

export { MASK, isDestinationField, type FieldDeclaration } from './secrets/field-declaration.js';
export { INPUT_LIMITS } from './input/input-limits.js';
export { httpUrlSchema } from './input/http-url-schema.js';
export { nameKey } from './input/name-key.js';
export { parseDuration } from './input/parse-duration.js';
export { canonicalJson } from './input/canonical-json.js';
export { lazily } from './input/lazily.js';
export type { SecretKind, SecretParams, LifetimePolicy } from './secrets/secret-kind.js';
export { field } from './secrets/secret-kind.js';
export type { BodyEncoding, ScopeFormat, ResponseFields } from './secrets/token-request-options.js';
export type { SecretKindRegistry } from './secrets/secret-kind-registry.js';

export type {
  SecretStore,
  SecretView,
  NewSecret,
  SecretPatch,
  RevealedSecret,
  SecretChange,
  SecretOrigin,
  RotationProgress,
  SecretListFilter,
} from './store/secret-store.js';
export { SECRET_PAGE_MAX } from './store/secret-store-service.js';
export type { SecretUsage } from './store/secret-usage.js';
export { openDatabase, type SqliteDatabase } from './store/open-database.js';
export { sqliteDriver } from './store/sqlite-driver.js';
export { migrate, type Migration } from './store/migrate.js';
export { PostgresDatabase, type PostgresQueryable, type PostgresMigration } from './postgres/postgres-database.js';
export type { PostgresOptions, ResolvedPostgresOptions } from './postgres/postgres-options.js';
export { isPostgresUrl, displayDatabase } from './postgres/database-url.js';
export { DatabaseUnavailableError } from './errors/database-unavailable-error.js';
export { StorageFullError, STORAGE_FULL_RETRY_AFTER_SECONDS } from './errors/storage-full-error.js';
export { isStorageFull } from './store/is-storage-full.js';
export { StorageHealth, type StorageFullState } from './store/storage-health.js';
export { addNameKeyColumn, writeUniqueName, type NameTaken } from './store/name-key-column.js';
export { rewriteTableSql } from './store/rewrite-table-sql.js';
export { SECRET_IN_USE_REFUSAL } from './store/secret-in-use-refusal.js';
export { corePostgresMigrations } from './store/core-postgres-migrations.js';

export type { AccessToken } from './tokens/access-token.js';
export { parseRetryAfter } from './tokens/read-token-response.js';
export type { TokenProvider, TokenProviderStats } from './tokens/token-provider.js';
export type { SharedTokens, SharedTokenState } from './tokens/shared-tokens.js';
export { TokenRequestError, type TokenErrorCode } from './tokens/token-request-error.js';
export type { TokenEvents, TokenIssuedEvent, TokenFailedEvent } from './tokens/token-events.js';
export { TokenActivityLog, TOKEN_ACTIVITY_HOURS, RECENT_TOKEN_REQUESTS } from './tokens/token-activity.js';
export type { TokenActivity, TokenActivityHour, TokenActivityCounts, TokenRequestRecord } from './tokens/token-activity.js';

export { AddressRefusedError } from './http/address-refused-error.js';
export type { HttpClient } from './http/http-client.js';
export type { NetworkGuard } from './http/network-guard.js';

export type { SecretTester, SecretDraft } from './tester/secret-tester.js';
export type { TestReport, Diagnostic, DiagnosticLevel } from './tester/test-report.js';

export { Redactor, isSecretParamName } from './logging/redactor.js';
export { BODY_ENCODINGS, SCOPE_FORMATS } from './secrets/token-request-options.js';
export { CredentialMasker, REDACTED, WITHHELD, MIN_MASKED_LENGTH, valueForms, type MaskOptions } from './logging/credential-masker.js';
export { escapeRegExp } from './logging/escape-reg-exp.js';
export { createLogger, type LogTransports, type LoggingOptions, type Winston } from './logging/create-logger.js';
export type { Lifecycle } from './contributions/lifecycle.js';
export type { HealthCheck, HealthState } from './contributions/health-check.js';
export type { SealedData } from './contributions/sealed-data.js';
export type { StoredTable, StoredTables } from './contributions/stored-tables.js';
export type { StorageStats, StorageFigures, TableFigures, MeasureOptions } from './store/storage-stats.js';
export { StorageStatsCache, STORAGE_STATS_MAX_AGE_MS } from './store/storage-stats-cache.js';
export { EXACT_BELOW } from './store/postgres-storage-stats.js';
export { metricFamily, type MetricsSource } from './contributions/metrics-source.js';
export { type ApiRoute, type ApiRouteRegistrar, type RouteGroup } from './contributions/api-route-group.js';
export { idParams } from './contributions/id-params.js';
export type { CommandGroup, CommandContext, CommandOutput, CommandAction } from './cli/command-group.js';
export { runAction } from './cli/run-action.js';
export { UsageError, CommandFailed } from './cli/command-errors.js';
export { parseFlags, one, text, texts, required, wholeNumber, type FlagSpec, type ParsedArgs } from './cli/parse-flags.js';
export { printJson, printTable, progressBar, processOutput, terminalSafe, terminalText } from './cli/command-output.js';
export { humanBytes, humanAge } from './cli/human-units.js';
export { findByIdOrName, findSecret } from './cli/find-by-id-or-name.js';
