import { useState } from 'react';

import { ApiError, api } from '../api';
import { AlertList, DriveProgress, ErrorNote, StateBadge } from '../components';
import { formatBytes, formatTime, humanState } from '../format';
import { applyProgressToJob } from '../live-state';
import { useLiveEvents } from '../live';
import { type DriveProgressPayload, type JobDetail, type Session } from '../types';
import { useResource } from '../use-resource';

const ROLE_RANK = { viewer: 0, operator: 1, admin: 2 } as const;

export function JobDetailPage({ jobId, session }: { jobId: string; session: Session }) {
  const { data: job, setData, error, reload, reloadSoon } = useResource<JobDetail>(`/api/jobs/${jobId}`);
  const [revealed, setRevealed] = useState<{ serialNumber: string; recoveryPassword: string } | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const isOperator = ROLE_RANK[session.role] >= ROLE_RANK.operator;
  const isAdmin = session.role === 'admin';

  useLiveEvents((event) => {
    if (!job) return;
    if (event.subject === 'diskprep.drive.progress.v1') {
      const result = applyProgressToJob(job, event.payload as unknown as DriveProgressPayload);
      setData(result.job);
      if (!result.known && event.payload['jobId'] === jobId) reloadSoon();
      return;
    }
    if (event.payload['jobId'] === jobId) reloadSoon();
  });

  const act = async (path: string, body: unknown = {}) => {
    setActionError(null);
    try {
      await api(path, { method: 'POST', body });
      await reload();
    } catch (caught) {
      setActionError(caught instanceof ApiError ? caught.message : String(caught));
    }
  };

  const reveal = async (driveId: string) => {
    setActionError(null);
    try {
      const result = await api<{ serialNumber: string; recoveryPassword: string }>(`/api/drives/${driveId}/recovery-password`, { method: 'POST' });
      setRevealed(result);
      await reload();
    } catch (caught) {
      setActionError(caught instanceof ApiError ? caught.message : String(caught));
    }
  };

  if (!job) return <ErrorNote error={error ?? null} />;
  const address = job.datacenterAddress;
  return (
    <div className="page" data-testid="job-detail">
      <header className="job-header">
        <h2>{job.importJobName} <StateBadge state={job.state} /></h2>
        <div className="muted">
          {job.provider === 'IMPORT_EXPORT' ? 'Azure Import/Export' : 'Data Box customer disk'} · {job.storageAccount}/{job.container} · {job.location}
        </div>
        {job.failureReason ? (
          <p className="error-note">Failed in {humanState(job.failedInState ?? 'unknown')}: {job.failureReason}</p>
        ) : null}
        <div className="actions">
          {job.allowedActions.retry && isOperator ? (
            <button onClick={() => void act(`/api/jobs/${jobId}/retry`)}>Retry failed step</button>
          ) : null}
          {job.allowedActions.cancel && isOperator ? (
            confirmCancel ? (
              <>
                <button className="danger" onClick={() => void act(`/api/jobs/${jobId}/cancel`, { reason: 'cancelled in the ops console' })}>Really cancel</button>
                <button onClick={() => setConfirmCancel(false)}>Keep the job</button>
              </>
            ) : (
              <button onClick={() => setConfirmCancel(true)}>Cancel job</button>
            )
          ) : null}
        </div>
        {actionError ? <p className="error-note" data-testid="action-error">{actionError}</p> : null}
      </header>

      {job.alerts.length > 0 ? (
        <section>
          <h3>Needs attention</h3>
          <AlertList alerts={job.alerts} />
        </section>
      ) : null}

      <section>
        <h3>Drives <span className="muted">{job.drives.ready} of {job.drives.total} ready · {formatBytes(job.drives.bytesWritten)} of {formatBytes(job.drives.bytesPlanned)} written</span></h3>
        {revealed ? (
          <div className="secret" data-testid="recovery-password">
            Recovery password of {revealed.serialNumber}: <code>{revealed.recoveryPassword}</code>
            <button onClick={() => setRevealed(null)}>Hide</button>
          </div>
        ) : null}
        <table>
          <thead>
            <tr><th>Serial</th><th>State</th><th>Where</th><th className="wide">Progress</th><th>Recovery password</th></tr>
          </thead>
          <tbody>
            {job.driveList.map((drive) => (
              <tr key={drive.id} data-testid={`drive-row-${drive.serialNumber}`}>
                <td>{drive.serialNumber}<div className="muted small">{drive.model ?? ''}</div></td>
                <td><StateBadge state={drive.state} />{drive.stateReason ? <div className="muted small">{drive.stateReason}</div> : null}</td>
                <td>{drive.nodeName ? `${drive.nodeName} ${drive.bayLabel ?? drive.baySlot ?? ''}` : drive.state === 'SHIPPED' ? 'shipped' : '—'}</td>
                <td><DriveProgress drive={drive} /></td>
                <td>
                  {drive.hasRecoveryPassword ? (
                    <button
                      data-testid={`reveal-${drive.serialNumber}`}
                      disabled={!isAdmin}
                      title={isAdmin ? 'Shows the password and records that you saw it' : 'Only admins can reveal recovery passwords'}
                      onClick={() => void reveal(drive.id)}
                    >
                      Reveal
                    </button>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <div className="columns">
        <section>
          <h3>Azure</h3>
          <p>Job: <strong data-testid="azure-job-state">{job.azureJob[0]?.azureState ?? 'not created yet'}</strong>
            {(job.azureJob[0]?.percentComplete ?? null) !== null ? ` (${job.azureJob[0]?.percentComplete ?? 0}%)` : ''}</p>
          {job.azureDrives.length > 0 ? (
            <table>
              <thead><tr><th>Drive</th><th>State</th><th>Copy</th><th>Copied</th></tr></thead>
              <tbody>
                {job.azureDrives.map((drive) => (
                  <tr key={drive.azureDriveId}>
                    <td>{drive.azureDriveId}</td>
                    <td>{drive.azureState}</td>
                    <td>{drive.copyStatus ?? '—'}{drive.percentComplete !== null ? ` ${drive.percentComplete}%` : ''}</td>
                    <td>{drive.bytesSucceeded ? formatBytes(drive.bytesSucceeded) : '—'}{drive.errorLogUri ? <> · <a href={drive.errorLogUri}>error log</a></> : null}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </section>
        <section>
          <h3>Shipping</h3>
          {job.shipments.length === 0 ? <p className="muted">No package recorded.</p> : null}
          {job.shipments.map((shipment) => (
            <p key={shipment.id}>
              <strong>{shipment.direction === 'DELIVERY' ? 'Delivery' : 'Return'}</strong>: {shipment.carrierName} {shipment.trackingNumber ?? '(no tracking number yet)'}
              {shipment.carrierStatus ? ` · ${shipment.carrierStatus}` : ''}
              {shipment.arrivalDeadline ? ` · arrive by ${shipment.arrivalDeadline}` : ''}
              {shipment.daysToDeadline !== null ? ` (${shipment.daysToDeadline} days left)` : ''}
            </p>
          ))}
          <h3>Datacenter address</h3>
          {address ? (
            <address data-testid="datacenter-address">
              {Object.entries(address).map(([key, value]) => (
                <div key={key}><span className="muted small">{key}</span> {String(value)}</div>
              ))}
            </address>
          ) : (
            <p className="muted">Known once the Azure job exists.</p>
          )}
        </section>
      </div>

      <section>
        <h3>Timeline</h3>
        <ol className="timeline">
          {job.timeline.map((entry) => (
            <li key={entry.id} data-testid="timeline-entry" data-action={entry.action}>
              <span className="muted small">{formatTime(entry.at)}</span>{' '}
              <strong>{entry.actor}</strong> {entry.action.replace(/-/g, ' ')}
              {entry.fromState && entry.toState ? ` ${humanState(entry.fromState)} → ${humanState(entry.toState)}` : ''}
              {entry.detail ? <span className="muted small"> {JSON.stringify(entry.detail)}</span> : null}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
