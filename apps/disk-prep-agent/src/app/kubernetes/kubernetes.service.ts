import os from 'node:os';

import { Inject, Injectable } from '@nestjs/common';

import { type EventType, KubernetesNodeReporter } from '@seedship/k8s';
import { type Logger } from '@seedship/logging';

import { DISK_PREP_CONFIG, DISK_PREP_LOGGER, type DiskPrepAgentConfig } from '../config/disk-prep-agent-env';

export const BAYS_ANNOTATION = 'seedship.io/bays';

/**
 * What the agent tells Kubernetes, or nothing when KUBERNETES=off (tests, the demo). Kubernetes is
 * a window for people, not the source of truth: a failed call is logged and the work goes on.
 */
@Injectable()
export class KubernetesService {
  private readonly reporter: KubernetesNodeReporter | undefined;
  private lastAnnotation: string | undefined;
  private lastRenewAt = 0;
  private leader = true;
  private renewFailing = false;

  constructor(
    @Inject(DISK_PREP_CONFIG) private readonly config: DiskPrepAgentConfig,
    @Inject(DISK_PREP_LOGGER) private readonly logger: Logger,
  ) {
    if (config.KUBERNETES === 'off') {
      logger.info('Running without Kubernetes (KUBERNETES=off): no Lease, Events or Node annotation');
      return;
    }
    this.reporter = new KubernetesNodeReporter({
      connection: config.KUBERNETES === 'in-cluster' ? { kind: 'in-cluster' } : { kind: 'kubeconfig', path: config.KUBECONFIG ?? '' },
      namespace: config.KUBERNETES_NAMESPACE,
      nodeName: config.NODE_NAME,
      identity: os.hostname(),
      component: 'seedship-disk-prep',
      leaseDurationSeconds: config.LEASE_DURATION_SECONDS,
    });
    logger.info({ namespace: config.KUBERNETES_NAMESPACE, lease: this.reporter.leaseName }, 'Reporting to Kubernetes');
  }

  /**
   * Renews the node's Lease at a third of its duration. True while this process leads the node's bays
   * (always without Kubernetes); a process that cannot reach the API server keeps its last answer
   * until the lease would have run out.
   */
  async leadsBays(): Promise<boolean> {
    if (!this.reporter) return true;
    const now = Date.now();
    if (now - this.lastRenewAt < (this.config.LEASE_DURATION_SECONDS * 1000) / 3) return this.leader;
    try {
      const held = await this.reporter.renewLease(new Date(now));
      if (held !== this.leader) this.logger.info({ lease: this.reporter.leaseName, held }, held ? 'Holding the node Lease' : 'Another process holds the node Lease; waiting');
      this.leader = held;
      this.lastRenewAt = now;
      this.renewFailing = false;
    } catch (error) {
      // Said once per outage, not on every scan.
      if (!this.renewFailing) this.logger.warn({ err: error }, 'Could not renew the node Lease; retrying on every scan');
      this.renewFailing = true;
      if (now - this.lastRenewAt > this.config.LEASE_DURATION_SECONDS * 1000) this.leader = false;
    }
    return this.leader;
  }

  async event(type: EventType, reason: string, message: string): Promise<void> {
    if (!this.reporter) return;
    await this.reporter.postNodeEvent({ type, reason, message }).catch((error: unknown) => this.logger.warn({ err: error, reason }, 'Could not post a Kubernetes Event'));
  }

  /** The bay summary on the Node, patched only when it changed. */
  async annotateBays(summary: readonly BaySummary[]): Promise<void> {
    if (!this.reporter) return;
    const value = JSON.stringify(summary);
    if (value === this.lastAnnotation) return;
    try {
      await this.reporter.annotateNode({ [BAYS_ANNOTATION]: value });
      this.lastAnnotation = value;
    } catch (error) {
      this.logger.warn({ err: error }, 'Could not annotate the Node with its bays');
    }
  }
}

export interface BaySummary {
  readonly bay: string;
  readonly serial: string;
  readonly state: string;
  readonly job?: string;
}
