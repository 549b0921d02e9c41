/**
 * A namespace isolates one deployment (or one test) on a shared NATS server: subjects get a
 * `<namespace>.` prefix and stream names a `_<NAMESPACE>` suffix. Production runs with none.
 */
export class SubjectNamespace {
  constructor(readonly name = '') {
    if (name !== '' && !/^[a-z][a-z0-9-]*$/.test(name)) {
      throw new Error(`Namespace '${name}' must be lowercase letters, digits and dashes.`);
    }
  }

  subject(subject: string): string {
    return this.name === '' ? subject : `${this.name}.${subject}`;
  }

  /** The contract subject a namespaced subject came from. */
  unprefix(subject: string): string {
    const prefix = `${this.name}.`;
    return this.name !== '' && subject.startsWith(prefix) ? subject.slice(prefix.length) : subject;
  }

  stream(name: string): string {
    return this.name === '' ? name : `${name}_${this.name.replace(/-/g, '_').toUpperCase()}`;
  }
}
