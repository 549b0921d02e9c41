import { randomUUID } from 'node:crypto';

import {
  ApiException,
  CoordinationV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  type V1Lease,
  V1MicroTime,
  setHeaderOptions,
} from '@kubernetes/client-node';

import { mayHoldLease, objectName } from './lease-rules';

/** How to reach the API server: the pod's service account, or a kubeconfig file. */
export type KubernetesConnection = { readonly kind: 'in-cluster' } | { readonly kind: 'kubeconfig'; readonly path: string };

export type EventType = 'Normal' | 'Warning';

export interface NodeReporterOptions {
  readonly connection: KubernetesConnection;
  /** Namespace of the Lease and the Events. */
  readonly namespace: string;
  readonly nodeName: string;
  /** Who holds the lease: this process (pod name, or node name plus pid). */
  readonly identity: string;
  /** Reporting component in Events, e.g. `seedship-disk-prep-agent`. */
  readonly component: string;
  readonly leaseDurationSeconds: number;
}

/**
 * What a node agent tells Kubernetes: a Lease per node (its heartbeat, and which process leads the
 * node's bays), Events on the Node for what a technician must do, and annotations on the Node.
 */
export class KubernetesNodeReporter {
  private readonly coordination: CoordinationV1Api;
  private readonly core: CoreV1Api;
  readonly leaseName: string;

  constructor(private readonly options: NodeReporterOptions) {
    const config = new KubeConfig();
    if (options.connection.kind === 'in-cluster') config.loadFromCluster();
    else config.loadFromFile(options.connection.path);
    this.coordination = config.makeApiClient(CoordinationV1Api);
    this.core = config.makeApiClient(CoreV1Api);
    this.leaseName = objectName(options.component, options.nodeName);
  }

  /** Takes or renews the node's Lease; false while another live process holds it. */
  async renewLease(now: Date = new Date()): Promise<boolean> {
    const { namespace, identity, leaseDurationSeconds } = this.options;
    // Lease times are MicroTime: the API server wants six fractional digits, which V1MicroTime writes.
    const stamp = new V1MicroTime(now.getTime());
    let existing: V1Lease | undefined;
    try {
      existing = await this.coordination.readNamespacedLease({ name: this.leaseName, namespace });
    } catch (error) {
      if (!(error instanceof ApiException) || error.code !== 404) throw error;
    }
    if (!existing) {
      await this.coordination.createNamespacedLease({
        namespace,
        body: {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: this.leaseName, namespace, labels: { 'app.kubernetes.io/component': this.options.component } },
          spec: { holderIdentity: identity, leaseDurationSeconds, acquireTime: stamp, renewTime: stamp, leaseTransitions: 0 },
        },
      });
      return true;
    }
    const spec = existing.spec ?? {};
    const state = { holderIdentity: spec.holderIdentity, renewTime: spec.renewTime ? new Date(spec.renewTime) : undefined, leaseDurationSeconds: spec.leaseDurationSeconds };
    if (!mayHoldLease(state, identity, now)) return false;
    const takeover = spec.holderIdentity !== identity;
    // replace carries metadata.resourceVersion, so two processes racing for the lease cannot both win.
    await this.coordination.replaceNamespacedLease({
      name: this.leaseName,
      namespace,
      body: {
        ...existing,
        spec: {
          ...spec,
          holderIdentity: identity,
          leaseDurationSeconds,
          renewTime: stamp,
          ...(takeover ? { acquireTime: stamp, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 } : {}),
        },
      },
    });
    return true;
  }

  /** An Event on this Node, as `kubectl describe node` and `kubectl get events` show it. */
  async postNodeEvent(event: { type: EventType; reason: string; message: string }): Promise<void> {
    const { namespace, nodeName, component } = this.options;
    const now = new Date();
    await this.core.createNamespacedEvent({
      namespace,
      body: {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: objectName(nodeName, randomUUID()), namespace },
        involvedObject: { apiVersion: 'v1', kind: 'Node', name: nodeName, uid: nodeName },
        type: event.type,
        reason: event.reason,
        // The API server refuses messages over 1 KiB in some versions; keep the technician's line short.
        message: event.message.slice(0, 1024),
        source: { component, host: nodeName },
        reportingComponent: component,
        reportingInstance: this.options.identity.slice(0, 128),
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      },
    });
  }

  /** Sets annotations on this Node with a JSON merge patch (other annotations stay as they are). */
  async annotateNode(annotations: Record<string, string>): Promise<void> {
    await this.core.patchNode({ name: this.options.nodeName, body: { metadata: { annotations } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
  }
}
