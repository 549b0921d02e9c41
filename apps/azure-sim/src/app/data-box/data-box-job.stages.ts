import { type Shipment } from '../datacenter/shipment';

import { type DataBoxJobRecord } from './data-box-job.record';

export type StageStatus = 'None' | 'InProgress' | 'Succeeded' | 'Failed' | 'Cancelled' | 'SucceededWithErrors';

export interface JobStage {
  readonly stageName: string;
  readonly displayName: string;
  readonly stageStatus: StageStatus;
  readonly stageTime?: string;
}

/**
 * The stages of a customer-disk job, in order (names from the DataBoxStageName enum of
 * Microsoft.DataBox 2022-12-01). The exact list a customer-disk job shows is not documented; this is
 * the simulator's reading: created, waiting for the customer to report shipment, in transit, received,
 * data copy, preparing the return, then Completed (or CompletedWithErrors / Cancelled).
 */
export function jobStagesOf(record: DataBoxJobRecord, shipment: Shipment | undefined, now: Date): { status: string; stages: JobStage[] } {
  const provisioned = Date.parse(record.provisioning.completesAt) <= now.getTime();
  const withErrors = shipment?.drives.some((drive) => drive.problem !== undefined) ?? false;
  const phase = shipment?.phase;
  const reached = {
    created: provisioned,
    shipped: record.deliverToDcPackageDetails !== undefined,
    atDc: phase === 'Received' || phase === 'Transferring' || phase === 'Packaging' || phase === 'Completed',
    copying: phase === 'Transferring' || phase === 'Packaging' || phase === 'Completed',
    packaging: phase === 'Packaging' || phase === 'Completed',
    done: phase === 'Completed',
  };
  const finalName = withErrors ? 'CompletedWithErrors' : 'Completed';
  const order: { name: string; display: string; done: boolean; time: string | undefined }[] = [
    { name: 'DeviceOrdered', display: 'Created', done: reached.created, time: record.createdAt },
    { name: 'AwaitingShipmentDetails', display: 'Awaiting shipment details', done: reached.shipped, time: record.shippedAt },
    { name: 'ShippedToAzureDC', display: 'Shipped to Azure datacenter', done: reached.atDc, time: record.shippedAt },
    { name: 'AtAzureDC', display: 'Received at Azure datacenter', done: reached.copying, time: shipment?.receivedAt },
    { name: 'DataCopy', display: 'Data copy in progress', done: reached.packaging, time: shipment?.transferStartedAt },
    { name: 'PreparingToShipFromAzureDC', display: 'Preparing to ship from Azure datacenter', done: reached.done, time: shipment?.completedAt },
    { name: finalName, display: withErrors ? 'Completed with errors' : 'Completed', done: reached.done, time: shipment?.completedAt },
  ];
  if (record.cancelledAt) {
    const stages: JobStage[] = [
      { stageName: 'DeviceOrdered', displayName: 'Created', stageStatus: 'Succeeded', stageTime: record.createdAt },
      { stageName: 'Cancelled', displayName: 'Cancelled', stageStatus: 'Cancelled', stageTime: record.cancelledAt },
    ];
    return { status: 'Cancelled', stages };
  }
  let current = order[0]?.name ?? 'DeviceOrdered';
  let inProgressGiven = false;
  const stages = order.map((stage, index): JobStage => {
    if (stage.done && index === order.length - 1) {
      current = stage.name;
      return { stageName: stage.name, displayName: stage.display, stageStatus: withErrors ? 'SucceededWithErrors' : 'Succeeded', ...(stage.time ? { stageTime: stage.time } : {}) };
    }
    if (stage.done) {
      return { stageName: stage.name, displayName: stage.display, stageStatus: 'Succeeded', ...(stage.time ? { stageTime: stage.time } : {}) };
    }
    if (!inProgressGiven) {
      inProgressGiven = true;
      current = stage.name;
      return { stageName: stage.name, displayName: stage.display, stageStatus: 'InProgress' };
    }
    return { stageName: stage.name, displayName: stage.display, stageStatus: 'None' };
  });
  return { status: current, stages };
}
