/**
 * A Map that holds at most `limit` entries and drops the oldest first. The process-wide caches of work
 * that costs more than a lookup (contracts' ajv per set of schemas, lint's compiled schemas, the windows of
 * a set of secrets) keep their last few entries this way: a process reuses the most recent ones, and a
 * long-lived caller never grows them without bound.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly limit: number) {
    super();
  }

  override set(key: K, value: V): this {
    if (!this.has(key) && this.size >= this.limit) this.delete(this.keys().next().value as K);
    return super.set(key, value);
  }
}
