import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { type AddressInfo } from 'node:net';

/** One request the server accepted, for the test's assertions. */
export interface KubeRequest {
  readonly method: string;
  readonly path: string;
  readonly contentType: string | undefined;
  readonly body: unknown;
}

export interface KubeApiServer {
  readonly url: string;
  readonly requests: KubeRequest[];
  /** Every way a request differed from the Kubernetes API's shape; a correct client leaves it empty. */
  readonly violations: string[];
  readonly leases: Map<string, Record<string, unknown>>;
  readonly events: Record<string, unknown>[];
  readonly nodeAnnotations: Map<string, Record<string, string>>;
  writeKubeconfig(file: string): Promise<void>;
  close(): Promise<void>;
}

const TOKEN = 'test-token';
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const MICRO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const ANNOTATION_KEY = /^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A stand-in for the parts of the Kubernetes API the agent calls (coordination.k8s.io/v1 Leases, core/v1
 * Events, Node merge patches). Each request is checked against the API's rules (paths, verbs, content
 * types, required fields, name and time formats, optimistic concurrency on resourceVersion) and answered
 * as the API server would, including 404 and 409 Status objects.
 */
export async function startKubeApiServer(nodes: readonly string[]): Promise<KubeApiServer> {
  const requests: KubeRequest[] = [];
  const violations: string[] = [];
  const leases = new Map<string, Record<string, unknown>>();
  const events: Record<string, unknown>[] = [];
  const nodeAnnotations = new Map<string, Record<string, string>>(nodes.map((node) => [node, { 'node.alpha.kubernetes.io/ttl': '0' }]));
  let resourceVersion = 100;

  const status = (response: ServerResponse, code: number, reason: string, message: string): void => {
    response.writeHead(code, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }));
  };
  const ok = (response: ServerResponse, code: number, body: unknown): void => {
    response.writeHead(code, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  const check = (condition: boolean, problem: string): boolean => {
    if (!condition) violations.push(problem);
    return condition;
  };

  const checkLease = (body: unknown, namespace: string, where: string): body is Record<string, unknown> => {
    if (!check(isRecord(body), `${where}: body is not an object`) || !isRecord(body)) return false;
    let valid = check(body['apiVersion'] === 'coordination.k8s.io/v1', `${where}: apiVersion ${String(body['apiVersion'])}`);
    valid = check(body['kind'] === 'Lease', `${where}: kind ${String(body['kind'])}`) && valid;
    const metadata = body['metadata'];
    valid = check(isRecord(metadata) && typeof metadata['name'] === 'string' && DNS_SUBDOMAIN.test(metadata['name']), `${where}: metadata.name is not a DNS subdomain`) && valid;
    if (isRecord(metadata) && metadata['namespace'] !== undefined) valid = check(metadata['namespace'] === namespace, `${where}: metadata.namespace differs from the path`) && valid;
    const spec = body['spec'];
    if (!check(isRecord(spec), `${where}: spec missing`) || !isRecord(spec)) return false;
    valid = check(typeof spec['holderIdentity'] === 'string' && spec['holderIdentity'] !== '', `${where}: spec.holderIdentity`) && valid;
    valid = check(Number.isInteger(spec['leaseDurationSeconds']) && Number(spec['leaseDurationSeconds']) > 0, `${where}: spec.leaseDurationSeconds`) && valid;
    for (const field of ['renewTime', 'acquireTime']) {
      if (spec[field] !== undefined) valid = check(typeof spec[field] === 'string' && MICRO_TIME.test(spec[field]), `${where}: spec.${field} ${JSON.stringify(spec[field])} is not a MicroTime`) && valid;
    }
    if (spec['leaseTransitions'] !== undefined) valid = check(Number.isInteger(spec['leaseTransitions']), `${where}: spec.leaseTransitions`) && valid;
    return valid;
  };

  const checkEvent = (body: unknown, namespace: string): body is Record<string, unknown> => {
    const where = 'POST event';
    if (!check(isRecord(body), `${where}: body is not an object`) || !isRecord(body)) return false;
    let valid = check(body['apiVersion'] === 'v1' && body['kind'] === 'Event', `${where}: apiVersion/kind`);
    const metadata = body['metadata'];
    valid = check(isRecord(metadata) && typeof metadata['name'] === 'string' && DNS_SUBDOMAIN.test(metadata['name']), `${where}: metadata.name`) && valid;
    if (isRecord(metadata) && metadata['namespace'] !== undefined) valid = check(metadata['namespace'] === namespace, `${where}: metadata.namespace`) && valid;
    const involved = body['involvedObject'];
    valid = check(isRecord(involved) && involved['kind'] === 'Node' && typeof involved['name'] === 'string' && nodes.includes(involved['name']), `${where}: involvedObject must be one of the Nodes`) && valid;
    valid = check(typeof body['reason'] === 'string' && /^[A-Z][A-Za-z]+$/.test(body['reason']), `${where}: reason must be UpperCamelCase`) && valid;
    valid = check(typeof body['message'] === 'string' && body['message'].length > 0 && body['message'].length <= 1024, `${where}: message`) && valid;
    valid = check(body['type'] === 'Normal' || body['type'] === 'Warning', `${where}: type ${String(body['type'])}`) && valid;
    for (const field of ['firstTimestamp', 'lastTimestamp']) {
      if (body[field] !== undefined) valid = check(typeof body[field] === 'string' && TIME.test(body[field]), `${where}: ${field}`) && valid;
    }
    if (body['count'] !== undefined) valid = check(Number.isInteger(body['count']) && Number(body['count']) >= 1, `${where}: count`) && valid;
    return valid;
  };

  const handle = (request: IncomingMessage, response: ServerResponse, raw: string): void => {
    const method = request.method ?? '';
    const url = new URL(request.url ?? '/', 'http://localhost');
    const contentType = request.headers['content-type']?.split(';')[0]?.trim();
    let body: unknown;
    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        violations.push(`${method} ${url.pathname}: body is not JSON`);
        status(response, 400, 'BadRequest', 'invalid JSON');
        return;
      }
    }
    requests.push({ method, path: url.pathname, contentType, body });
    if (request.headers.authorization !== `Bearer ${TOKEN}`) {
      violations.push(`${method} ${url.pathname}: no bearer token`);
      status(response, 401, 'Unauthorized', 'Unauthorized');
      return;
    }
    if (body !== undefined && method !== 'PATCH' && contentType !== 'application/json') violations.push(`${method} ${url.pathname}: content-type ${String(contentType)}`);

    let match = /^\/apis\/coordination\.k8s\.io\/v1\/namespaces\/([^/]+)\/leases(?:\/([^/]+))?$/.exec(url.pathname);
    if (match) {
      const namespace = match[1] ?? '';
      const name = match[2];
      const key = `${namespace}/${name ?? ''}`;
      if (method === 'GET' && name) {
        const lease = leases.get(key);
        if (lease) ok(response, 200, lease);
        else status(response, 404, 'NotFound', `leases.coordination.k8s.io "${name}" not found`);
        return;
      }
      if (method === 'POST' && !name) {
        if (!checkLease(body, namespace, 'POST lease')) return status(response, 422, 'Invalid', 'invalid lease');
        const leaseName = String((body['metadata'] as Record<string, unknown>)['name']);
        if (leases.has(`${namespace}/${leaseName}`)) return status(response, 409, 'AlreadyExists', `leases.coordination.k8s.io "${leaseName}" already exists`);
        resourceVersion += 1;
        const stored = { ...body, metadata: { ...(body['metadata'] as object), namespace, uid: randomUUID(), resourceVersion: String(resourceVersion), creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z') } };
        leases.set(`${namespace}/${leaseName}`, stored);
        return ok(response, 201, stored);
      }
      if (method === 'PUT' && name) {
        if (!checkLease(body, namespace, 'PUT lease')) return status(response, 422, 'Invalid', 'invalid lease');
        const current = leases.get(key);
        if (!current) return status(response, 404, 'NotFound', `leases.coordination.k8s.io "${name}" not found`);
        const metadata = body['metadata'] as Record<string, unknown>;
        check(metadata['name'] === name, 'PUT lease: metadata.name differs from the path');
        const currentVersion = (current['metadata'] as Record<string, unknown>)['resourceVersion'];
        if (!check(metadata['resourceVersion'] === currentVersion, 'PUT lease: replace without the current resourceVersion')) {
          return status(response, 409, 'Conflict', 'the object has been modified; please apply your changes to the latest version and try again');
        }
        resourceVersion += 1;
        const stored = { ...body, metadata: { ...metadata, resourceVersion: String(resourceVersion) } };
        leases.set(key, stored);
        return ok(response, 200, stored);
      }
    }
    match = /^\/api\/v1\/namespaces\/([^/]+)\/events$/.exec(url.pathname);
    if (match && method === 'POST') {
      if (!checkEvent(body, match[1] ?? '')) return status(response, 422, 'Invalid', 'invalid event');
      const stored = { ...body, metadata: { ...(body['metadata'] as object), uid: randomUUID(), resourceVersion: String((resourceVersion += 1)) } };
      events.push(stored);
      return ok(response, 201, stored);
    }
    match = /^\/api\/v1\/nodes\/([^/]+)$/.exec(url.pathname);
    if (match && method === 'PATCH') {
      const node = match[1] ?? '';
      const annotations = nodeAnnotations.get(node);
      if (!annotations) return status(response, 404, 'NotFound', `nodes "${node}" not found`);
      if (!check(contentType === 'application/merge-patch+json', `PATCH node: content-type ${String(contentType)}, want application/merge-patch+json`)) {
        return status(response, 415, 'UnsupportedMediaType', 'unsupported patch type');
      }
      const patch = isRecord(body) && isRecord(body['metadata']) ? body['metadata']['annotations'] : undefined;
      const valid =
        check(isRecord(body) && Object.keys(body).length === 1 && isRecord(body['metadata']) && Object.keys(body['metadata']).length === 1, 'PATCH node: only metadata.annotations may change') &&
        check(isRecord(patch) && Object.entries(patch).every(([k, v]) => ANNOTATION_KEY.test(k) && (typeof v === 'string' || v === null)), 'PATCH node: annotations must be valid keys with string values');
      if (!valid || !isRecord(patch)) return status(response, 422, 'Invalid', 'invalid node patch');
      for (const [k, v] of Object.entries(patch)) {
        if (v === null) delete annotations[k];
        else if (typeof v === 'string') annotations[k] = v;
      }
      return ok(response, 200, { apiVersion: 'v1', kind: 'Node', metadata: { name: node, annotations, resourceVersion: String((resourceVersion += 1)) } });
    }
    violations.push(`${method} ${url.pathname}: not an API the agent should call`);
    status(response, 404, 'NotFound', 'the server could not find the requested resource');
  };

  const server: Server = createServer((request, response) => {
    let raw = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (raw += chunk));
    request.on('end', () => handle(request, response, raw));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    violations,
    leases,
    events,
    nodeAnnotations,
    writeKubeconfig: (file) =>
      writeFile(
        file,
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'Config',
          clusters: [{ name: 'test', cluster: { server: url, 'insecure-skip-tls-verify': true } }],
          users: [{ name: 'agent', user: { token: TOKEN } }],
          contexts: [{ name: 'test', context: { cluster: 'test', user: 'agent', namespace: 'seedship' } }],
          'current-context': 'test',
        }),
      ),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
