import { AwsError, CORAL_SERVICE, coreErrors } from '../../../core/errors/aws-error.js';
import { DYNAMODB_NAMESPACE } from '../errors.js';

const ddb = (code: string, message: string) => new AwsError(code, message, { namespace: DYNAMODB_NAMESPACE });

/** ISO 8601 at second precision, as DynamoDB quotes times in its messages (`2026-10-06T23:16:32Z`). */
export const isoSeconds = (ms: number): string => {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms / 1000) : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
};

/** Epoch seconds (the awsJson timestamp form) from epoch milliseconds. */
export const seconds = (ms: number): number => ms / 1000;

/** Epoch milliseconds from a request timestamp (epoch seconds, or an ISO string some clients send). */
export function millisOf(value: number | string): number {
  const ms = typeof value === 'number' ? Math.round(value * 1000) : Date.parse(value);
  if (!Number.isFinite(ms))
    throw coreErrors.serialization(
      `${typeof value === 'number' ? 'NUMBER_VALUE' : 'STRING_VALUE'} can not be converted to a Timestamp`,
    );
  return ms;
}

/**
 * The errors of the tag, backup, point-in-time recovery, export and resource-policy families,
 * with AWS's wording.
 */
export const recoveryErrors = {
  tableNotFound: (nameOrArn?: string) =>
    ddb('TableNotFoundException', nameOrArn === undefined ? 'Table not found' : `Table not found: ${nameOrArn}`),
  tableAlreadyExists: (name: string) => ddb('TableAlreadyExistsException', `Table already exists: ${name}`),
  tableInUse: (message: string) => ddb('TableInUseException', message),
  backupNotFound: (arn: string) => ddb('BackupNotFoundException', `Backup not found: ${arn}`),
  backupInUse: (message: string) => ddb('BackupInUseException', message),
  pitrUnavailable: (name: string) =>
    ddb('PointInTimeRecoveryUnavailableException', `Point in time recovery is not enabled for table '${name}'`),
  invalidRestoreTime: (at: number, earliest: number, latest: number) =>
    ddb(
      'InvalidRestoreTimeException',
      `RestoreDateTime '${isoSeconds(at)}' must be within EarliestRestorableDateTime '${isoSeconds(earliest)}' and LatestRestorableDateTime '${isoSeconds(latest)}'`,
    ),
  invalidExportTime: (message: string) => ddb('InvalidExportTimeException', message),
  exportNotFound: (arn: string) => ddb('ExportNotFoundException', `Export not found: Export not found: ${arn}`),
  exportConflict: () =>
    ddb('ExportConflictException', 'Export conflict: Duplicate request detected with conflicting parameters'),
  importNotFound: () => ddb('ImportNotFoundException', 'Import not found'),
  importConflict: () =>
    ddb('ImportConflictException', 'Import conflict: Duplicate request detected with conflicting parameters'),
  policyNotFound: (message: string) => ddb('PolicyNotFoundException', message),
  accessDenied: (message: string) => new AwsError('AccessDeniedException', message, { namespace: CORAL_SERVICE }),
};
