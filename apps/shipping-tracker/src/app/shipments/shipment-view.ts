import { type Prisma } from '@seedship/db';
import { calendarDateOf, deadlineStanding } from '@seedship/domain';

import { type Datacenter } from './datacenter';

export interface DeliveryPackageView {
  readonly id: string;
  readonly carrierName: string;
  readonly trackingNumber: string;
  readonly driveCount: number;
  readonly shipDate: string;
  readonly arrivalDeadline: string;
  readonly carrierStatus: string | null;
  readonly carrierEvents: unknown;
  readonly carrierCheckedAt: string | null;
  readonly deliveredAt: string | null;
  readonly version: number;
  readonly recordedBy: string | null;
  readonly updatedAt: string;
}

export interface ReturnShippingView {
  readonly id: string;
  readonly carrierName: string;
  readonly carrierAccountNumber: string;
  readonly version: number;
  readonly recordedBy: string | null;
  readonly updatedAt: string;
}

export interface DeadlineView {
  readonly arrivalDeadline: string;
  readonly standing: 'ON_TRACK' | 'OVERDUE' | 'DELIVERED';
  /** Days from today to the deadline: 0 on the deadline day, negative once overdue. */
  readonly daysLeft: number;
  /** In words, for people: "9 days left", "overdue by 2 days", "delivered on time". */
  readonly summary: string;
}

export interface ShippingJobView {
  readonly job: {
    readonly id: string;
    readonly importJobName: string;
    readonly state: string;
    readonly provider: string;
    readonly location: string;
    readonly azureJobResourceId: string | null;
  };
  readonly datacenter: Datacenter | null;
  /** The job's drives that go in the package (READY or already SHIPPED). */
  readonly drives: { readonly count: number; readonly serialNumbers: readonly string[] };
  readonly delivery: DeliveryPackageView | null;
  readonly returnShipping: ReturnShippingView | null;
  readonly deadline: DeadlineView | null;
  /** The Azure job exists and no delivery package has been recorded. */
  readonly awaitingShipment: boolean;
  /** Where the record is kept. */
  readonly record: { readonly table: 'shipment'; readonly ids: readonly string[]; readonly path: string };
}

export type ShipmentRow = Prisma.ShipmentGetPayload<object>;

export const SHIPPABLE_DRIVE_STATES = ['READY', 'SHIPPED'] as const;

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export function deadlineView(delivery: ShipmentRow, today: string): DeadlineView | null {
  if (!delivery.shipDate) return null;
  const standing = deadlineStanding(calendarDateOf(delivery.shipDate), today, delivery.deliveredAt ? calendarDateOf(delivery.deliveredAt) : undefined);
  switch (standing.kind) {
    case 'DELIVERED':
      return {
        arrivalDeadline: standing.deadline,
        standing: 'DELIVERED',
        daysLeft: 0,
        summary: standing.onTime ? `delivered ${standing.deliveredOn}, on time` : `delivered ${standing.deliveredOn}, after the deadline`,
      };
    case 'ON_TRACK':
      return {
        arrivalDeadline: standing.deadline,
        standing: 'ON_TRACK',
        daysLeft: standing.daysLeft,
        summary: standing.daysLeft === 0 ? 'deadline is today' : `${plural(standing.daysLeft, 'day')} left`,
      };
    case 'OVERDUE':
      return { arrivalDeadline: standing.deadline, standing: 'OVERDUE', daysLeft: -standing.daysOverdue, summary: `overdue by ${plural(standing.daysOverdue, 'day')}` };
  }
}

export function deliveryView(row: ShipmentRow): DeliveryPackageView {
  return {
    id: row.id,
    carrierName: row.carrierName,
    trackingNumber: row.trackingNumber ?? '',
    driveCount: row.driveCount ?? 0,
    shipDate: row.shipDate ? calendarDateOf(row.shipDate) : '',
    arrivalDeadline: row.arrivalDeadline ? calendarDateOf(row.arrivalDeadline) : '',
    carrierStatus: row.carrierStatus,
    carrierEvents: row.carrierEvents ?? [],
    carrierCheckedAt: row.carrierCheckedAt?.toISOString() ?? null,
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    version: row.version,
    recordedBy: row.recordedBy,
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function returnView(row: ShipmentRow): ReturnShippingView {
  return {
    id: row.id,
    carrierName: row.carrierName,
    carrierAccountNumber: row.carrierAccountNumber ?? '',
    version: row.version,
    recordedBy: row.recordedBy,
    updatedAt: row.updatedAt.toISOString(),
  };
}
