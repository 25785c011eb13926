import type { InstallationRecord } from './sim-state.js';
import type { SimResponse } from './sim-response.js';

/** How a route authenticates: with the App's JWT, or with an installation token. */
export type RouteAuth = 'app' | 'installation';

export interface RouteContext {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  /** The installation whose valid token made the request (installation routes only). */
  installation: InstallationRecord | undefined;
  /** Base of API links in answers: the simulator's URL, with `/api/v3` when asked that way. */
  api: string;
  /** The full URL as requested, for pagination links. */
  requestUrl: URL;
}

export interface RouteDefinition {
  method: string;
  /** Path template with `:name` segments, e.g. `/orgs/:org/actions/runners`. */
  template: string;
  auth: RouteAuth;
  handle(context: RouteContext): SimResponse | Promise<SimResponse>;
}

export interface RouteMatch {
  route: RouteDefinition;
  params: Record<string, string>;
  /** Method and template, the key faults and request records use. */
  key: string;
}

/** Matches a request against route templates, segment by segment. */
export class RouteTable {
  private readonly routes: readonly { route: RouteDefinition; segments: string[] }[];

  constructor(routes: readonly RouteDefinition[]) {
    this.routes = routes.map((route) => ({ route, segments: route.template.split('/') }));
  }

  match(method: string, path: string): RouteMatch | undefined {
    const segments = path.replace(/\/+$/, '').split('/');
    for (const candidate of this.routes) {
      if (candidate.route.method !== method) continue;
      const params = matchSegments(candidate.segments, segments);
      if (params) {
        return { route: candidate.route, params, key: `${method} ${candidate.route.template}` };
      }
    }
    return undefined;
  }
}

function matchSegments(template: string[], actual: string[]): Record<string, string> | undefined {
  if (template.length !== actual.length) return undefined;

  const params: Record<string, string> = {};
  for (const [index, part] of template.entries()) {
    const value = actual[index] as string;
    if (part.startsWith(':')) {
      if (value === '') return undefined;
      params[part.slice(1)] = decodeURIComponent(value);
    } else if (part !== value) {
      return undefined;
    }
  }
  return params;
}
