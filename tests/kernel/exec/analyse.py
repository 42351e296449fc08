"""Run by handover.ks's exec(): the maps, as the generated module has them."""

import os
import subprocess
import sys
import time

import handover as ks

flow = ks.flows[7]
print("flows[7]:", flow.packets, flow.proto, flow.name)
ks.flows[8] = {"packets": 5, "proto": 17, "name": "udp"}
ks.flows[9] = (1, 1, "icmp")
print("flows:", sorted((k, v.packets, v.name) for k, v in ks.flows.items()))
del ks.flows[9]
print("9 in flows:", 9 in ks.flows, "len:", len(ks.flows))
try:
    ks.flows[100]
except KeyError as e:
    print("absent:", e)
print("marks[-3]:", ks.marks[-3])

# the program still runs: its counter goes on while this script waits
before = ks.switches[0]
for _ in range(100):
    time.sleep(0.05)
    if ks.switches[0] > before:
        break
print("still counting:", ks.switches[0] > before > 0)
# no pins hold it: it ends with this process (nothing could unpin it after)
print("state pinned:", os.path.exists("/sys/fs/bpf/handover/run-state"))
lo = subprocess.run(["ip", "link", "show", "lo"], capture_output=True, text=True).stdout
print("XDP still on lo:", "prog/xdp" in lo)
print("per-CPU: a value per CPU:", len(ks.per_cpu[0]) >= 1, "counted:", sum(ks.per_cpu[0]) > 0)
ks.per_cpu[1] = 9
print("per-CPU set:", set(ks.per_cpu[1]))
sys.exit(3)
