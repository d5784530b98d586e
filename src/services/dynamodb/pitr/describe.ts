import { seconds } from '../backups/errors.js';
import type { PitrRegistry } from './registry.js';

/** ContinuousBackupsDescription: backups are always on; PITR fields only while recovery is enabled. */
export function continuousBackupsDescription(
  pitr: PitrRegistry,
  tableId: number,
  now: number,
): Record<string, unknown> {
  const settings = pitr.get(tableId);
  if (!settings) {
    return {
      ContinuousBackupsStatus: 'ENABLED',
      PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'DISABLED' },
    };
  }
  const { earliest, latest } = pitr.window(settings, now);
  return {
    ContinuousBackupsStatus: 'ENABLED',
    PointInTimeRecoveryDescription: {
      PointInTimeRecoveryStatus: 'ENABLED',
      RecoveryPeriodInDays: settings.recoveryDays,
      EarliestRestorableDateTime: seconds(earliest),
      LatestRestorableDateTime: seconds(latest),
    },
  };
}
