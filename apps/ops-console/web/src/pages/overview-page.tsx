import { AlertList, DriveProgress, ErrorNote, StateBadge } from '../components';
import { formatBytes } from '../format';
import { applyProgressToOverview } from '../live-state';
import { useLiveEvents } from '../live';
import { Link } from '../router';
import { type DriveProgressPayload, type JobState, type Overview } from '../types';
import { useResource } from '../use-resource';

const FLOW: JobState[] = [
  'DRAFT', 'STAGING', 'STAGED', 'AWAITING_DRIVES', 'PREPARING_DRIVES', 'DRIVES_READY', 'IMPORT_JOB_CREATED', 'SHIPPING',
  'RECEIVED', 'TRANSFERRING', 'PACKAGING', 'IMPORT_COMPLETED', 'VERIFYING', 'SEEDED', 'FAILED', 'CANCELLED',
];

const BYTE_TILES: Array<{ key: keyof Overview['bytes']; label: string }> = [
  { key: 'staged', label: 'Staged' },
  { key: 'onDrives', label: 'On drives' },
  { key: 'inTransit', label: 'In transit' },
  { key: 'imported', label: 'Imported' },
  { key: 'verified', label: 'Verified' },
];

export function OverviewPage() {
  const { data, setData, error, reloadSoon } = useResource<Overview>('/api/overview');

  useLiveEvents((event) => {
    if (event.subject === 'diskprep.drive.progress.v1' && data) {
      const { overview, known } = applyProgressToOverview(data, event.payload as unknown as DriveProgressPayload);
      setData(overview);
      if (!known) reloadSoon();
      return;
    }
    reloadSoon();
  });

  if (!data) return <ErrorNote error={error ?? null} />;
  return (
    <div className="page" data-testid="overview">
      <ErrorNote error={error} />
      <section>
        <h2>
          Needs attention{' '}
          <span className="counts">
            <span className="count-critical" data-testid="critical-count">{data.alertCounts.critical} critical</span>
            <span className="count-warning">{data.alertCounts.warning} warnings</span>
          </span>
        </h2>
        <AlertList alerts={data.alerts} />
      </section>

      {data.deadlines.length > 0 ? (
        <section>
          <h2>Arrival deadlines</h2>
          <table>
            <thead>
              <tr><th>Job</th><th>Carrier</th><th>Tracking</th><th>Deadline</th><th>Days left</th></tr>
            </thead>
            <tbody>
              {data.deadlines.map((deadline) => (
                <tr key={deadline.shipmentId} className={deadline.daysLeft < 0 ? 'row-critical' : deadline.daysLeft <= 3 ? 'row-warning' : ''}>
                  <td><Link to={`/jobs/${deadline.jobId}`}>{deadline.importJobName}</Link></td>
                  <td>{deadline.carrierName}</td>
                  <td>{deadline.trackingNumber ?? '—'}</td>
                  <td>{deadline.arrivalDeadline}</td>
                  <td>{deadline.daysLeft}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}

      <section>
        <h2>Bytes across the fleet</h2>
        <div className="tiles">
          {BYTE_TILES.map((tile) => (
            <div className="tile" key={tile.key}>
              <div className="tile-label">{tile.label}</div>
              <div className="tile-value" data-testid={`bytes-${tile.key}`} data-bytes={data.bytes[tile.key]}>
                {formatBytes(data.bytes[tile.key])}
              </div>
            </div>
          ))}
        </div>
      </section>

      <section>
        <h2>Jobs by state <span className="muted">{data.jobs.active} active of {data.jobs.total}</span></h2>
        <div className="state-strip">
          {FLOW.map((state) => (
            <Link key={state} to={`/jobs?state=${state}`} className={`state-cell ${data.jobsByState[state] ? '' : 'empty'}`}>
              <StateBadge state={state} />
              <span className="state-count" data-testid={`jobs-${state}`}>{data.jobsByState[state] ?? 0}</span>
            </Link>
          ))}
        </div>
      </section>

      <section>
        <h2>Drives being written <span className="muted">{data.fleet.occupiedBays} of {data.fleet.bays} bays in use on {data.fleet.nodes} nodes</span></h2>
        {data.activeDrives.length === 0 ? (
          <p className="muted">No drive is being written.</p>
        ) : (
          <table>
            <thead>
              <tr><th>Drive</th><th>Job</th><th>Where</th><th>State</th><th className="wide">Progress</th></tr>
            </thead>
            <tbody>
              {data.activeDrives.map((drive) => (
                <tr key={drive.id}>
                  <td>{drive.serialNumber}</td>
                  <td>{drive.jobId ? <Link to={`/jobs/${drive.jobId}`}>{drive.importJobName}</Link> : '—'}</td>
                  <td>{drive.nodeName ?? '—'} {drive.bayLabel ?? drive.baySlot ?? ''}</td>
                  <td><StateBadge state={drive.state} /></td>
                  <td><DriveProgress drive={drive} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
