import { readdirSync, readFileSync } from 'node:fs';

/**
 * The resident memory of this process and its descendants (a bundler's own service process, for one), leaving out
 * the subtrees rooted at `except`. Read from /proc on Linux; elsewhere only this process's own is known.
 */
export function treeRssBytes(except: ReadonlySet<number>): number {
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
    return process.memoryUsage.rss();
  }
  const children = new Map<number, number[]>();
  for (const { pid, parent } of processes) children.set(parent, [...(children.get(parent) ?? []), pid]);
  let total = 0;
  const pending = [process.pid];
  for (let pid = pending.pop(); pid !== undefined; pid = pending.pop()) {
    if (except.has(pid)) continue;
    total += pid === process.pid ? process.memoryUsage.rss() : rssOf(pid);
    pending.push(...(children.get(pid) ?? []));
  }
  return total;
}

function rssOf(pid: number): number {
  try {
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}
