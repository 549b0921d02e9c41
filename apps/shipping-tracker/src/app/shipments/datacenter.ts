import { z } from 'zod';

import { carrierKey } from '@seedship/domain';

/**
 * The destination datacenter as the import-orchestrator stores it in seeding_job.datacenter_address:
 * the Azure Locations API's location `properties` (or the whole location resource, with them under
 * `properties`). shipping-tracker needs `supportedCarriers`; the address is shown to people.
 */
const locationProperties = z.looseObject({
  supportedCarriers: z.array(z.string().min(1)).min(1),
  recipientName: z.string().optional(),
  streetAddress1: z.string().optional(),
  streetAddress2: z.string().optional(),
  city: z.string().optional(),
  stateOrProvince: z.string().optional(),
  postalCode: z.string().optional(),
  countryOrRegion: z.string().optional(),
  phone: z.string().optional(),
});

export interface Datacenter {
  readonly supportedCarriers: readonly string[];
  readonly recipientName?: string;
  readonly streetAddress1?: string;
  readonly streetAddress2?: string;
  readonly city?: string;
  readonly stateOrProvince?: string;
  readonly postalCode?: string;
  readonly countryOrRegion?: string;
  readonly phone?: string;
}

/** The datacenter, or a sentence saying why the stored value cannot be used. */
export function parseDatacenter(stored: unknown): { datacenter: Datacenter } | { problem: string } {
  if (stored === null || stored === undefined) return { problem: 'the import-orchestrator has not stored the destination datacenter yet (it does when it creates the Azure import job)' };
  const candidate = typeof stored === 'object' && 'properties' in stored ? stored.properties : stored;
  const parsed = locationProperties.safeParse(candidate);
  if (!parsed.success) return { problem: 'the stored destination datacenter has no supportedCarriers list (expected the Azure Locations API properties)' };
  return { datacenter: parsed.data };
}

/** The carrier as the datacenter spells it, if it supports it (compared without case and spaces). */
export function supportedCarrier(datacenter: Datacenter, carrierName: string): string | undefined {
  const wanted = carrierKey(carrierName);
  return datacenter.supportedCarriers.find((candidate) => carrierKey(candidate) === wanted);
}
