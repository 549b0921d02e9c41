import { formatBytes, formatDuration, formatRate, humanState, percentOf } from './format';
import { Link } from './router';
import { type Alert, type Drive } from './types';

export function ProgressBar({ done, total, testId }: { done: string; total: string; testId?: string }) {
  const percent = percentOf(done, total);
  return (
    <div className="progress" data-testid={testId} data-percent={percent} title={`${formatBytes(done)} of ${formatBytes(total)}`}>
      <div className="progress-fill" style={{ width: `${percent}%` }} />
      <span className="progress-label">
        {percent}% · {formatBytes(done)} / {formatBytes(total)}
      </span>
    </div>
  );
}

export function StateBadge({ state }: { state: string }) {
  return <span className={`badge state-${state.toLowerCase()}`}>{humanState(state)}</span>;
}

export function DriveProgress({ drive }: { drive: Drive }) {
  return (
    <div className="drive-progress">
      <ProgressBar done={drive.bytesWritten} total={drive.bytesPlanned} testId={`drive-progress-${drive.serialNumber}`} />
      {drive.bytesPerSecond !== undefined && drive.bytesPerSecond > 0 ? (
        <span className="muted">
          {formatRate(drive.bytesPerSecond)}
          {drive.secondsLeft !== undefined ? ` · ${formatDuration(drive.secondsLeft)} left` : ''}
        </span>
      ) : null}
    </div>
  );
}

export function AlertList({ alerts }: { alerts: Alert[] }) {
  if (alerts.length === 0) return <p className="muted">Nothing needs attention.</p>;
  return (
    <ul className="alerts" data-testid="alerts">
      {alerts.map((alert) => (
        <li key={alert.id} className={`alert alert-${alert.severity}`} data-kind={alert.kind}>
          <span className="alert-severity">{alert.severity}</span>
          <span>
            {alert.message}
            {alert.jobId ? (
              <>
                {' '}
                <Link to={`/jobs/${alert.jobId}`}>open job</Link>
              </>
            ) : null}
          </span>
        </li>
      ))}
    </ul>
  );
}

export function ErrorNote({ error }: { error: Error | null }) {
  return error ? <p className="error-note">{error.message}</p> : null;
}
