#!/usr/bin/env python3
"""Prints N distinct free loopback TCP ports, one per line, for test servers.

The ports come from below the kernel's ephemeral range: a port taken from
inside it (bind to port 0) is released before the server binds it again, and
meanwhile any outgoing connection may be given it as its source port. A
Galera node that dials a peer not yet listening can even connect to itself
that way and then ignore that peer for good.
"""
import random
import socket
import sys

count = int(sys.argv[1]) if len(sys.argv) > 1 else 1
try:
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        ephemeral_low = int(f.read().split()[0])
except OSError:
    ephemeral_low = 32768
low, high = 10000, max(10000 + 4 * count, ephemeral_low - 1)
held, chosen = [], []
for port in random.sample(range(low, high), high - low):
    if len(chosen) == count:
        break
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        s.close()
        continue
    held.append(s)  # held until all are chosen, so none is picked twice
    chosen.append(port)
if len(chosen) < count:
    sys.exit(f"free-ports: only {len(chosen)} of {count} ports free")
print("\n".join(map(str, chosen)))
