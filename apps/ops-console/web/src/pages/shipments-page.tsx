import { ErrorNote, StateBadge } from '../components';
import { formatTime } from '../format';
import { useLiveEvents } from '../live';
import { Link } from '../router';
import { type Shipment } from '../types';
import { useResource } from '../use-resource';

export function ShipmentsPage() {
  const { data, error, reloadSoon } = useResource<{ items: Shipment[] }>('/api/shipments');
  useLiveEvents((event) => {
    if (event.subject.startsWith('shipping.') || event.subject === 'seeding.job.state-changed.v1') reloadSoon();
  });
  if (!data) return <ErrorNote error={error ?? null} />;
  return (
    <div className="page" data-testid="shipments">
      <table>
        <thead>
          <tr><th>Job</th><th>Job state</th><th>Direction</th><th>Carrier</th><th>Tracking</th><th>Drives</th><th>Shipped</th><th>Deadline</th><th>Carrier status</th><th>Delivered</th></tr>
        </thead>
        <tbody>
          {data.items.map((shipment) => (
            <tr key={shipment.id} className={shipment.daysToDeadline !== null && shipment.daysToDeadline < 0 ? 'row-critical' : shipment.daysToDeadline !== null && shipment.daysToDeadline <= 3 ? 'row-warning' : ''}>
              <td><Link to={`/jobs/${shipment.jobId}`}>{shipment.importJobName}</Link></td>
              <td><StateBadge state={shipment.jobState} /></td>
              <td>{shipment.direction.toLowerCase()}</td>
              <td>{shipment.carrierName}</td>
              <td>{shipment.trackingNumber ?? '—'}</td>
              <td>{shipment.driveCount ?? '—'}</td>
              <td>{shipment.shipDate ?? '—'}</td>
              <td>{shipment.arrivalDeadline ? `${shipment.arrivalDeadline}${shipment.daysToDeadline !== null ? ` (${shipment.daysToDeadline} d)` : ''}` : '—'}</td>
              <td>{shipment.carrierStatus ?? '—'}</td>
              <td>{shipment.deliveredAt ? formatTime(shipment.deliveredAt) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
