import { type SeedshipApi } from './seedship-api';

/** What shipping-tracker returns for a job (GET /shipping/jobs, /shipping/jobs/:id). */
export interface ShippingJob {
  job: { id: string; importJobName: string; state: string; provider: string; location: string; azureJobResourceId: string | null };
  datacenter: {
    supportedCarriers: string[];
    recipientName?: string;
    streetAddress1?: string;
    streetAddress2?: string;
    city?: string;
    stateOrProvince?: string;
    postalCode?: string;
    countryOrRegion?: string;
    phone?: string;
  } | null;
  drives: { count: number; serialNumbers: string[] };
  delivery: {
    id: string;
    carrierName: string;
    trackingNumber: string;
    driveCount: number;
    shipDate: string;
    arrivalDeadline: string;
    carrierStatus: string | null;
    carrierCheckedAt: string | null;
    deliveredAt: string | null;
    version: number;
  } | null;
  returnShipping: { id: string; carrierName: string; carrierAccountNumber: string; version: number } | null;
  deadline: { arrivalDeadline: string; standing: 'ON_TRACK' | 'OVERDUE' | 'DELIVERED'; daysLeft: number; summary: string } | null;
  awaitingShipment: boolean;
  record: { table: string; ids: string[]; path: string };
}

export interface ShippingDetails {
  delivery: { carrierName: string; trackingNumber: string; driveCount: number; shipDate: string };
  returnShipping: { carrierName: string; carrierAccountNumber: string };
}

export interface RecordResult {
  view: ShippingJob;
  changed: boolean;
  dryRun: boolean;
}

export class ShippingApi {
  constructor(private readonly api: SeedshipApi) {}

  get baseUrl(): string {
    return this.api.baseUrl;
  }

  list(filter: 'awaiting' | 'all'): Promise<ShippingJob[]> {
    return this.api.request('GET', `/shipping/jobs?filter=${filter}`);
  }

  get(jobId: string): Promise<ShippingJob> {
    return this.api.request('GET', `/shipping/jobs/${encodeURIComponent(jobId)}`);
  }

  record(jobId: string, details: ShippingDetails, options: { dryRun: boolean }): Promise<RecordResult> {
    return this.api.request('PUT', `/shipping/jobs/${encodeURIComponent(jobId)}${options.dryRun ? '?dryRun=true' : ''}`, details);
  }
}
