import { existsSync, readFileSync, readdirSync } from 'node:fs';

/**
 * What the kernel says about one runner's process group. Each runner is started detached, so
 * its pid is also its process-group id, and a signal to `-pid` reaches every process the
 * runner started (unless one left the group on purpose).
 *
 * On Linux, `/proc` tells a zombie from a live process and gives each process's start time,
 * which is what keeps a recycled pid from being mistaken for a runner after a restart. Where
 * `/proc` is missing, `kill(pid, 0)` is the best answer there is.
 */

interface ProcessStat {
  /** R, S, D, T, Z (zombie), X (dead), ... */
  readonly state: string;
  readonly group: number;
  /** Clock ticks after boot when the process started. */
  readonly startTicks: string;
}

const HAS_PROC = existsSync('/proc/self/stat');

/** The start time of `pid` on Linux, for telling a recycled pid apart; else undefined. */
export function processStartTicks(pid: number): string | undefined {
  return readStat(pid)?.startTicks;
}

/** True while the group leader itself runs, and is the process that was started. */
export function isLeaderRunning(pid: number, startTicks: string | undefined): boolean {
  if (!HAS_PROC) return probe(pid);

  const stat = readStat(pid);
  return stat !== undefined && isLive(stat) && sameStart(stat, startTicks);
}

/**
 * True while any process of the runner's group still runs: the leader, or what it left behind.
 * Members whose leader's pid now belongs to another process are not the runner's: the kernel
 * does not hand out a pid that is still some group's id, so then the old group is gone.
 */
export function isGroupRunning(pid: number, startTicks: string | undefined): boolean {
  if (!HAS_PROC) return probe(-pid);

  const leader = readStat(pid);
  if (leader !== undefined && !sameStart(leader, startTicks)) return false;
  if (leader !== undefined && isLive(leader)) return true;
  return liveMembers(pid);
}

/** Signals the whole group; a group that is gone, or not ours to signal, is left alone. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  // -0 and -1 would signal our own group or every process we may signal.
  if (!Number.isInteger(pid) || pid <= 1) return;

  try {
    process.kill(-pid, signal);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ESRCH' && code !== 'EPERM') throw error;
  }
}

function liveMembers(group: number): boolean {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat !== undefined && stat.group === group && isLive(stat)) return true;
  }
  return false;
}

function readStat(pid: number): ProcessStat | undefined {
  if (!HAS_PROC) return undefined;

  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }

  // The command name sits in parentheses and may itself hold spaces or parentheses.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const [state, , group] = fields;
  const startTicks = fields[19];
  if (state === undefined || group === undefined || startTicks === undefined) return undefined;
  return { state, group: Number(group), startTicks };
}

function isLive(stat: ProcessStat): boolean {
  return stat.state !== 'Z' && stat.state !== 'X' && stat.state !== 'x';
}

function sameStart(stat: ProcessStat, startTicks: string | undefined): boolean {
  return startTicks === undefined || stat.startTicks === startTicks;
}

function probe(target: number): boolean {
  try {
    process.kill(target, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
