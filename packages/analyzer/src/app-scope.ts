import type { InstalledTree } from './tree.ts';
import type { InstalledPackage } from './types.ts';

/** Which installed packages an audit is about: the app's production dependencies, or its dev dependencies too. */
export type DependencyScope = 'production' | 'development';

/** isolate-deps itself: its packages, and what only they pull in, are the tool, never the app. */
export function isToolPackage(name: string): boolean {
  return name === 'isolate-deps' || name.startsWith('@isolate-deps/');
}

/**
 * The packages the app depends on: everything reachable from the projects' own dependencies (production,
 * or with dev dependencies too), never through isolate-deps' packages. Without the tool's packages in
 * the walk, what only they pull in (componentize-js, jco, typescript, esbuild) is left out, and a
 * package the app also depends on directly stays.
 */
export function appScope(tree: InstalledTree, scope: DependencyScope): InstalledPackage[] {
  const byDir = new Map(tree.packages.map((p) => [p.dir, p]));
  const roots = scope === 'development' ? [...tree.graph.production, ...tree.graph.development] : tree.graph.production;
  const reached = new Set<string>();
  const queue = roots.filter((dir) => !isToolPackage(byDir.get(dir)?.name ?? ''));
  while (queue.length > 0) {
    const dir = queue.pop()!;
    if (reached.has(dir)) continue;
    reached.add(dir);
    for (const next of tree.graph.dependencies.get(dir) ?? []) if (!reached.has(next) && !isToolPackage(byDir.get(next)?.name ?? '')) queue.push(next);
  }
  return tree.packages.filter((p) => reached.has(p.dir));
}
