// Free loopback ports for the embedded servers, so several stacks (tests, two checkouts) can run side
// by side. Ports handed out by this process are remembered so two stacks started at the same moment
// never receive the same one.
import * as fs from 'node:fs';
import * as net from 'node:net';

import { ServerExitedError } from './proc';

const HOST = '127.0.0.1';
const handedOut = new Set<number>();

function listenOnce(port: number, host = HOST): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(undefined));
    server.listen({ port, host, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

/** True if `port` can be bound on 127.0.0.1 right now. */
export async function isPortFree(port: number, host = HOST): Promise<boolean> {
  return (await listenOnce(port, host)) === port;
}

/** A port the kernel reports free on 127.0.0.1 (bind to port 0), never one this process handed out before. */
export async function freePort(host = HOST): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await listenOnce(0, host);
    if (port !== undefined && !handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('could not find a free loopback port');
}

/** The kernel's range for outgoing connections' local ports; ports below it are not taken by clients. */
function ephemeralRange(): [number, number] {
  try {
    const [lo, hi] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (lo && hi && lo < hi) return [lo, hi];
  } catch {
    // not Linux: assume the IANA dynamic range
  }
  return [49152, 65535];
}

/**
 * A port P such that P and P + offset are both free. SeaweedFS derives gRPC ports as HTTP port + 10000
 * (and its internal maintenance worker assumes that for the admin server whatever flags say), so each of
 * its components needs such a pair. Both ports are drawn below the ephemeral range so an outgoing
 * connection cannot take one between this check and the server's bind.
 */
export async function freePortPair(offset = 10000, host = HOST): Promise<number> {
  const [ephemeralLow] = ephemeralRange();
  const low = 10000;
  const high = Math.min(ephemeralLow - 1, 65535) - offset;
  if (high <= low) throw new Error(`no room below the ephemeral range (${ephemeralLow}) for port pairs ${offset} apart`);
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low + 1));
    if (handedOut.has(port) || handedOut.has(port + offset)) continue;
    if ((await isPortFree(port, host)) && (await isPortFree(port + offset, host))) {
      handedOut.add(port);
      handedOut.add(port + offset);
      return port;
    }
  }
  throw new Error(`could not find two free loopback ports ${offset} apart`);
}

/** Claims a specific port (e.g. the one a data dir used last time) if it is free and not handed out. */
export async function claimPort(port: number, host = HOST): Promise<boolean> {
  if (handedOut.has(port) || !(await isPortFree(port, host))) return false;
  handedOut.add(port);
  return true;
}

/** Lets a port be handed out again (after its server stopped). */
export function releasePorts(...ports: number[]): void {
  for (const port of ports) handedOut.delete(port);
}

/** `preferred` (e.g. the port a data dir used last time) if it is still free, else a fresh one. */
export async function pickPort(preferred: number | undefined): Promise<number> {
  if (preferred !== undefined && (await claimPort(preferred))) return preferred;
  return freePort();
}

/**
 * Starts a server on ports from `allocate` (the preferred ones on the first try only) and gives them back
 * when it fails. A server that exits during startup most likely lost a port to another process between
 * our check and its bind, so that case is retried with fresh ports.
 */
export async function startOnFreePorts<P, T>(
  preferred: P | undefined,
  allocate: (preferred: P | undefined) => Promise<P>,
  portList: (ports: P) => number[],
  start: (ports: P) => Promise<T>,
  attempts = 3,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const ports = await allocate(attempt === 0 ? preferred : undefined);
    try {
      return await start(ports);
    } catch (error) {
      releasePorts(...portList(ports));
      if (!(error instanceof ServerExitedError) || attempt + 1 >= attempts) throw error;
    }
  }
}
