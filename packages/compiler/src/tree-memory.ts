import { readdirSync, readFileSync } from 'node:fs';

/**
 * The resident memory of this process and its descendants (a bundler's own service process, for one), leaving out
 * the subtrees rooted at `except`. Read from /proc on Linux; elsewhere only this process's own is known.
 */
export function treeRssBytes(except: ReadonlySet<number>): number {
  const children = childrenByParent();
  if (!children) return process.memoryUsage.rss();
  let total = 0;
  const pending = [process.pid];
  for (let pid = pending.pop(); pid !== undefined; pid = pending.pop()) {
    if (except.has(pid)) continue;
    total += pid === process.pid ? process.memoryUsage.rss() : rssOf(pid);
    pending.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** The processes below `pid` (a build job's Wizer process), read from /proc; none where there is no /proc. */
export function descendantsOf(pid: number): number[] {
  const children = childrenByParent();
  const found: number[] = [];
  const pending = [...(children?.get(pid) ?? [])];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    found.push(next);
    pending.push(...(children?.get(next) ?? []));
  }
  return found;
}

function childrenByParent(): Map<number, number[]> | undefined {
  let processes: { pid: number; parent: number }[];
  try {
    processes = readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .flatMap((name) => {
        try {
          const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
          // The command name in parentheses may hold spaces: the parent's pid is the second field after it.
          return [{ pid: Number(name), parent: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) }];
        } catch {
          return []; // exited meanwhile
        }
      });
  } catch {
    return undefined;
  }
  const children = new Map<number, number[]>();
  for (const { pid, parent } of processes) children.set(parent, [...(children.get(parent) ?? []), pid]);
  return children;
}

function rssOf(pid: number): number {
  try {
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}
