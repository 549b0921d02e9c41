import { useState } from 'react';

import { ErrorNote, ProgressBar, StateBadge } from '../components';
import { formatBytes, formatTime } from '../format';
import { useLiveEvents } from '../live';
import { Link } from '../router';
import { type JobRow, type Page } from '../types';
import { useResource } from '../use-resource';

export function JobsPage() {
  const initialState = new URLSearchParams(window.location.search).get('state') ?? '';
  const [state, setState] = useState(initialState);
  const [search, setSearch] = useState('');
  const [cursors, setCursors] = useState<string[]>([]);
  const params = new URLSearchParams({ limit: '50' });
  if (state) params.set('state', state);
  if (search) params.set('search', search);
  const cursor = cursors[cursors.length - 1];
  if (cursor) params.set('cursor', cursor);
  const { data, error, reloadSoon } = useResource<Page<JobRow>>(`/api/jobs?${params.toString()}`);
  useLiveEvents((event) => {
    if (event.subject.startsWith('seeding.') || event.subject.startsWith('shipping.') || event.subject === 'diskprep.job.drives-ready.v1') reloadSoon();
  });

  return (
    <div className="page" data-testid="jobs">
      <div className="filters">
        <input placeholder="Search job name" value={search} onChange={(event) => { setSearch(event.target.value); setCursors([]); }} />
        <input placeholder="States, e.g. FAILED,SHIPPING" value={state} onChange={(event) => { setState(event.target.value); setCursors([]); }} />
        {data ? <span className="muted">{data.total} jobs</span> : null}
      </div>
      <ErrorNote error={error} />
      {data ? (
        <>
          <table>
            <thead>
              <tr><th>Job</th><th>State</th><th>Staged</th><th>Drives</th><th className="wide">Written</th><th>Delivery</th><th>Azure</th><th>Updated</th></tr>
            </thead>
            <tbody>
              {data.items.map((job) => (
                <tr key={job.id} data-testid="job-row">
                  <td><Link to={`/jobs/${job.id}`}>{job.importJobName}</Link></td>
                  <td><StateBadge state={job.state} />{job.failureReason ? <div className="muted small">{job.failureReason}</div> : null}</td>
                  <td>{formatBytes(job.bytesStaged)}</td>
                  <td>{job.drives.ready}/{job.drives.total}</td>
                  <td><ProgressBar done={job.drives.bytesWritten} total={job.drives.bytesPlanned} /></td>
                  <td>{job.delivery ? `${job.delivery.carrierName} ${job.delivery.trackingNumber ?? ''}` : '—'}{job.delivery?.arrivalDeadline ? <div className="muted small">by {job.delivery.arrivalDeadline}</div> : null}</td>
                  <td>{job.azureState ?? '—'}</td>
                  <td className="small">{formatTime(job.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="pager">
            <button disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>Previous</button>
            <button disabled={!data.nextCursor} onClick={() => data.nextCursor && setCursors([...cursors, data.nextCursor])}>Next</button>
          </div>
        </>
      ) : null}
    </div>
  );
}
