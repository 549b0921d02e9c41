import { useState } from 'react';

import { ApiError, api } from '../api';
import { DriveProgress, ErrorNote, StateBadge } from '../components';
import { formatBytes, formatTime } from '../format';
import { applyProgressToNodes } from '../live-state';
import { useLiveEvents } from '../live';
import { Link } from '../router';
import { type DriveProgressPayload, type Nodes, type Session } from '../types';
import { useResource } from '../use-resource';

export function NodesPage({ session }: { session: Session }) {
  const { data, setData, error, reload, reloadSoon } = useResource<Nodes>('/api/nodes');
  const [actionError, setActionError] = useState<string | null>(null);
  const isOperator = session.role !== 'viewer';
  useLiveEvents((event) => {
    if (event.subject === 'diskprep.drive.progress.v1' && data) {
      const result = applyProgressToNodes(data, event.payload as unknown as DriveProgressPayload);
      setData(result.nodes);
      if (!result.known) reloadSoon();
      return;
    }
    if (event.subject.startsWith('diskprep.')) reloadSoon();
  });
  const release = async (driveId: string) => {
    setActionError(null);
    try {
      await api(`/api/drives/${driveId}/release-for-wipe`, { method: 'POST', body: {} });
      await reload();
    } catch (caught) {
      setActionError(caught instanceof ApiError ? caught.message : String(caught));
    }
  };
  if (!data) return <ErrorNote error={error ?? null} />;
  return (
    <div className="page" data-testid="nodes">
      <p>
        {data.nextInsert
          ? <>Next blank drive goes to job <Link to={`/jobs/${data.nextInsert.jobId}`}>{data.nextInsert.importJobName}</Link>, which still needs {formatBytes(data.nextInsert.bytesNeedingDrives)}.</>
          : 'No job is waiting for drive space.'}
      </p>
      {actionError ? <p className="error-note">{actionError}</p> : null}
      {data.nodes.map((node) => (
        <section key={node.id} className={node.silent ? 'node silent' : 'node'}>
          <h3>
            {node.nodeName} <span className="muted small">agent {node.agentVersion ?? '?'} · heartbeat {formatTime(node.lastHeartbeatAt)}</span>
            {node.silent ? <span className="badge state-failed">silent</span> : null}
          </h3>
          <table>
            <thead><tr><th>Bay</th><th>Drive</th><th>State</th><th className="wide">Progress</th><th>What to do</th></tr></thead>
            <tbody>
              {node.bays.map((bay) => (
                <tr key={bay.id} data-testid={`bay-${node.nodeName}-${bay.label ?? bay.slot}`}>
                  <td>{bay.label ?? bay.slot}<div className="muted small">{bay.slot}</div></td>
                  <td>{bay.drive ? <>{bay.drive.serialNumber}{bay.drive.importJobName ? <div className="muted small">{bay.drive.importJobName}</div> : null}</> : <span className="muted">empty</span>}</td>
                  <td>{bay.drive ? <StateBadge state={bay.drive.state} /> : null}</td>
                  <td>{bay.drive && bay.drive.bytesPlanned !== '0' ? <DriveProgress drive={bay.drive} /> : null}</td>
                  <td className={`instruction instruction-${bay.instruction.kind.toLowerCase()}`}>
                    {bay.instruction.text}
                    {bay.instruction.kind === 'CONFIRM_WIPE' && bay.drive && isOperator ? (
                      <div><button onClick={() => bay.drive && void release(bay.drive.id)}>Release for wiping</button></div>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </div>
  );
}
