import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';

import { findSignatures } from '@seedship/block-devices';
import { DiskPrepDriveProgress, DiskPrepDriveWipeReleased, SeedingJobStateChanged } from '@seedship/contracts';
import { type DriveModel as Drive } from '@seedship/db';
import { driveCapacity } from '@seedship/drive-format';
import { type Logger } from '@seedship/logging';
import { JETSTREAM_BUS, type JetStreamBus, type RunningConsumer } from '@seedship/messaging';

import { errorMessage } from '../common/errors';
import { DISK_PREP_CONFIG, DISK_PREP_LOGGER, type DiskPrepAgentConfig } from '../config/disk-prep-agent-env';
import { driveRuleViolations } from '../drives/drive-rules';
import { type PresentDrive, pulledReason, scanDrives, scanOptionsFrom } from '../drives/drive-scanner';
import { DriveStore } from '../drives/drive-store';
import { DriveFiller, type RunningFill } from '../fill/drive-filler';
import { type BaySummary, KubernetesService } from '../kubernetes/kubernetes.service';
import { AgentMetrics } from '../metrics/agent-metrics';

export const AGENT_VERSION = '0.1.0';

/**
 * The agent's loop: every SCAN_INTERVAL_MS it polls /sys/block, registers drives that arrived, handles
 * drives that left, claims AVAILABLE drives for waiting jobs and fills claimed ones. Only the holder
 * of the node's Lease acts on the node's bays.
 */
@Injectable()
export class DiskPrepAgentService implements OnApplicationBootstrap, OnApplicationShutdown {
  private nodeId = '';
  /** Drives seen in the last scan, by serial number. */
  private readonly present = new Map<string, PresentDrive>();
  private readonly fills = new Map<string, RunningFill>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private stopping = false;
  private firstScan = true;
  private nudged = false;
  private watches: RunningConsumer[] = [];

  constructor(
    @Inject(DISK_PREP_CONFIG) private readonly config: DiskPrepAgentConfig,
    @Inject(DISK_PREP_LOGGER) private readonly logger: Logger,
    private readonly store: DriveStore,
    private readonly filler: DriveFiller,
    private readonly kubernetes: KubernetesService,
    private readonly metrics: AgentMetrics,
    @Inject(JETSTREAM_BUS) private readonly bus: JetStreamBus,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.nodeId = await this.store.registerNode(this.config.NODE_NAME, AGENT_VERSION);
    this.logger.info({ nodeName: this.config.NODE_NAME, loopDevices: this.config.ALLOW_LOOP_DEVICES }, 'Copy node registered');
    // Postgres is polled on every scan anyway; these events only make the next scan come sooner: a job
    // started waiting for drives, an operator released a drive for wiping, or a drive elsewhere failed
    // and gave its blobs back to the plan.
    const node = this.config.NODE_NAME;
    this.watches = [
      await this.bus.watch({ contracts: [SeedingJobStateChanged], handler: (event) => (event.to === 'AWAITING_DRIVES' ? this.nudge() : undefined) }),
      await this.bus.watch({ contracts: [DiskPrepDriveWipeReleased], handler: (event) => ((event.nodeName ?? node) === node ? this.nudge() : undefined) }),
      await this.bus.watch({ contracts: [DiskPrepDriveProgress], handler: (event) => (event.state === 'FAILED' && event.nodeName !== node ? this.nudge() : undefined) }),
    ];
    this.schedule(0);
  }

  /** Scans again now (or right after the scan under way). */
  private nudge(): void {
    if (this.stopping) return;
    if (this.ticking) {
      this.nudged = true;
      return;
    }
    clearTimeout(this.timer);
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    for (const watch of this.watches.splice(0)) await watch.stop();
    await this.ticking;
    for (const fill of this.fills.values()) fill.stop('the agent is shutting down', false);
    await Promise.all([...this.fills.values()].map((fill) => fill.done));
  }

  private schedule(delayMs: number): void {
    if (this.stopping) return;
    this.timer = setTimeout(() => {
      this.ticking = this.tick()
        .catch((error: unknown) => this.logger.error({ err: error }, 'Scan failed'))
        .finally(() => {
          this.ticking = undefined;
          const again = this.nudged;
          this.nudged = false;
          this.schedule(again ? 0 : this.config.SCAN_INTERVAL_MS);
        });
    }, delayMs);
  }

  /** One scan: arrivals, departures, wipe releases, claims, fills, the bay summary. */
  async tick(): Promise<void> {
    const started = Date.now();
    await this.store.heartbeat(this.nodeId);
    if (!(await this.kubernetes.leadsBays())) return;
    const scanned = await scanDrives(scanOptionsFrom(this.config));
    const now = new Map(scanned.map((drive) => [drive.serialNumber, drive]));

    for (const [serial, drive] of this.present) {
      if (now.get(serial)?.identity.devicePath !== drive.identity.devicePath) await this.departed(serial, drive);
    }
    if (this.firstScan) {
      // Rows that say a drive is here from before a restart, while it is not: it left while we were down.
      for (const row of await this.store.nodeDrives(this.nodeId)) {
        if (row.devicePath && !now.has(row.serialNumber)) await this.departedRow(row, 'Pulled from its bay while the agent was not running');
      }
      this.firstScan = false;
    }
    for (const [serial, drive] of now) {
      if (!this.present.has(serial)) await this.arrived(drive);
    }

    for (const row of await this.store.nodeDrives(this.nodeId)) {
      const drive = row.devicePath ? this.present.get(row.serialNumber) : undefined;
      if (!drive || this.fills.has(row.id) || this.stopping) continue;
      let state = row.state;
      if (state === 'NEEDS_WIPE_CONFIRMATION' && (await this.store.releasedForWipe(row.id))) {
        this.logger.info({ serial: row.serialNumber }, 'Drive released for wiping by an operator');
        state = 'AVAILABLE';
      }
      if (state === 'AVAILABLE') await this.tryClaim(row, drive);
      else if (state === 'CLAIMED' || state === 'WRITING' || state === 'VERIFYING') this.startFill(row, drive);
    }
    await this.summarize();
    this.metrics.scans += 1;
    this.metrics.lastScanSeconds = (Date.now() - started) / 1000;
  }

  private async arrived(drive: PresentDrive): Promise<void> {
    const ruleViolations = driveRuleViolations({ identity: drive.identity, usage: drive.usage, loopAllowed: this.config.ALLOW_LOOP_DEVICES });
    let signatures: string[] = [];
    if (ruleViolations.length === 0) {
      try {
        signatures = (await findSignatures(drive.identity.devicePath)).map((signature) => signature.type);
      } catch (error) {
        ruleViolations.push(`its contents could not be read (${errorMessage(error)})`);
      }
    }
    const bayId = await this.store.bayId(this.nodeId, drive.slot);
    const row = await this.store.driveArrived({
      serialNumber: drive.serialNumber,
      model: drive.identity.model,
      transport: drive.identity.transport,
      sizeBytes: drive.identity.sizeBytes,
      logicalSectorSize: drive.identity.logicalSectorSize,
      rotational: drive.identity.rotational,
      devicePath: drive.identity.devicePath,
      nodeId: this.nodeId,
      bayId,
      ruleViolations,
      signatures,
    });
    this.present.set(drive.serialNumber, drive);
    this.logger.info({ serial: row.serialNumber, bay: drive.slot, state: row.state, reason: row.stateReason }, 'Drive inserted');
    if (row.state === 'REJECTED') {
      await this.kubernetes.event('Warning', 'DriveRejected', `Bay ${drive.slot}: drive ${row.serialNumber} cannot be used. ${row.stateReason ?? ''} Pull it.`);
    } else if (row.state === 'NEEDS_WIPE_CONFIRMATION') {
      await this.kubernetes.event(
        'Warning',
        'DriveNeedsWipeConfirmation',
        `Bay ${drive.slot}: drive ${row.serialNumber} is not blank; an operator must release it for wiping in the ops console, or replace it.`,
      );
    }
  }

  private async departed(serial: string, drive: PresentDrive): Promise<void> {
    this.present.delete(serial);
    const row = await this.store.findBySerial(serial);
    if (!row) return;
    const fill = this.fills.get(row.id);
    const reason = pulledReason(drive.slot);
    if (fill) {
      fill.stop(`${reason}: its blobs go to the next drive inserted`, true);
      await fill.done;
    }
    await this.departedRow((await this.store.findBySerial(serial)) ?? row, reason);
  }

  private async departedRow(row: Drive, reason: string): Promise<void> {
    const updated = await this.store.driveGone(row, reason);
    this.logger.info({ serial: row.serialNumber, state: updated.state }, 'Drive left its bay');
  }

  private async tryClaim(row: Drive, drive: PresentDrive): Promise<void> {
    const capacity = driveCapacity({ diskBytes: drive.identity.sizeBytes, sectorSize: drive.identity.logicalSectorSize });
    const claimed = await this.store.claim(row.id, this.nodeId, capacity);
    if (!claimed) return;
    this.metrics.claims += 1;
    this.logger.info({ serial: row.serialNumber, bay: drive.slot, jobId: claimed.jobId, blobs: claimed.blobCount, bytesPlanned: claimed.bytesPlanned }, 'Drive claimed');
    const fresh = await this.store.findBySerial(row.serialNumber);
    if (fresh) this.startFill(fresh, drive);
  }

  private startFill(row: Drive, drive: PresentDrive): void {
    const fill = this.filler.start(row, drive, this.nodeId);
    this.fills.set(row.id, fill);
    void fill.done.finally(() => this.fills.delete(row.id));
  }

  private async summarize(): Promise<void> {
    const rows = await this.store.nodeDrives(this.nodeId);
    const byState = new Map<string, number>();
    for (const row of rows) byState.set(row.state, (byState.get(row.state) ?? 0) + 1);
    this.metrics.drivesByState = byState;
    const bays: BaySummary[] = rows
      .filter((row) => row.devicePath !== null)
      .map((row) => ({ bay: this.present.get(row.serialNumber)?.slot ?? '', serial: row.serialNumber, state: row.state, ...(row.jobId ? { job: row.jobId } : {}) }))
      .sort((a, b) => a.bay.localeCompare(b.bay));
    await this.kubernetes.annotateBays(bays);
  }
}
