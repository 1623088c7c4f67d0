interface KnownRoute {
  readonly pattern: RegExp;
  readonly method: string;
}

/** Hono's path syntax (`/doctors/get/:id`, `/media/*`) as an anchored regular expression. */
const patternOf = (path: string) =>
  new RegExp(
    `^${path
      .split("/")
      .map((part) =>
        part === "*" ? ".*" : part.startsWith(":") ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
      )
      .join("/")}$`,
  );

/**
 * The methods each path answers, learnt from the app's routes once they are all registered: for
 * `405 Method Not Allowed` with `Allow`, and for `OPTIONS`.
 */
export class KnownRoutes {
  private routes: readonly KnownRoute[] = [];

  learn(app: { routes: readonly { method: string; path: string }[] }): void {
    this.routes = app.routes
      .filter((route) => route.method !== "ALL")
      .map((route) => ({ method: route.method, pattern: patternOf(route.path) }));
  }

  /** The `Allow` list of a path (HEAD with GET, OPTIONS always), or null when no route has it. */
  allowed(path: string): string[] | null {
    const methods = new Set(this.routes.filter((r) => r.pattern.test(path)).map((r) => r.method));
    if (methods.size === 0) return null;
    if (methods.has("GET")) methods.add("HEAD");
    methods.add("OPTIONS");
    return [...methods];
  }
}
