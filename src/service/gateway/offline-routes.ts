import type { HttpMethod } from '../../contracts';

/**
 * The operator's offline switch: catalogued routes (method and path template) taken offline, each with
 * the announcement its callers get. The gateway consults it after a request has been authenticated and
 * routed, so a 410 comes from the route being offline, like a real gateway whose route table says so.
 */
export class OfflineRoutes {
  private readonly routes = new Map<string, string>();

  private static key(method: string, template: string): string {
    return `${method.toUpperCase()} ${template}`;
  }

  takeOffline(method: HttpMethod, template: string, announcement: string): void {
    this.routes.set(OfflineRoutes.key(method, template), announcement);
  }

  /** The announcement of an offline route; undefined while the route is live. */
  announcement(method: string, template: string): string | undefined {
    // Asked on every request: with nothing offline (the usual case) no key is built.
    if (this.routes.size === 0) return undefined;
    return this.routes.get(OfflineRoutes.key(method, template));
  }

  reset(): void {
    this.routes.clear();
  }
}
