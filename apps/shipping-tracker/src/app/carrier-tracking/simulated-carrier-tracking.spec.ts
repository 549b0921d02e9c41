import { SimulatedClock } from '../clock/clock';
import { currentStatus } from './carrier-tracking';
import { SimulatedCarrierTracking } from './simulated-carrier-tracking';

describe('SimulatedCarrierTracking', () => {
  const tracked = { carrierName: 'UPS', trackingNumber: '1Z5R89390357567127', shipDate: '2026-12-01', destination: 'Amsterdam' };

  it('reports nothing before pickup, then transit events, then delivery on day transitDays, on its clock', async () => {
    const clock = new SimulatedClock(new Date('2026-11-30T12:00:00Z'));
    const carrier = new SimulatedCarrierTracking(clock, 3);
    expect((await carrier.track(tracked)).events).toEqual([]);

    clock.set(new Date('2026-12-02T12:00:00Z'));
    expect(currentStatus(await carrier.track(tracked))?.status).toBe('IN_TRANSIT');

    clock.set(new Date('2026-12-04T15:00:00Z'));
    const delivered = await carrier.track(tracked);
    expect(delivered.events.map((event) => event.status)).toEqual(['LABEL_CREATED', 'PICKED_UP', 'IN_TRANSIT', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED']);
    expect(currentStatus(delivered)).toMatchObject({ status: 'DELIVERED', location: 'Amsterdam', at: new Date('2026-12-04T14:00:00Z') });
  });

  it('keeps a slow package in transit past the two-week deadline', async () => {
    const clock = new SimulatedClock(new Date('2026-12-16T12:00:00Z'));
    const report = await new SimulatedCarrierTracking(clock, 20).track(tracked);
    expect(currentStatus(report)?.status).toBe('IN_TRANSIT');
  });
});
