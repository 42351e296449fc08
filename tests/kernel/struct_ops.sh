#!/bin/sh
# struct_ops in the real kernel: struct_ops/cc.ks is a TCP congestion
# control written as an impl.  Its loader registers it: the name must
# appear in tcp_available_congestion_control; a TCP connection over
# loopback that selects it must run its functions (init, cong_avoid,
# counted in calls[], which main prints when stopped); after SIGINT the
# loader exits 0 and the name is gone.  struct_ops/absent.ks fills a type
# no kernel has, declared in example_ops.kh with placeholder member types,
# as generated headers write them: it must build, and its loader must say
# the kernel lacks the type, and fail.
# Needs root; without it (or without a usable bpf()) it skips with the reason.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/compiled.sh"
need_root_and_bpf

T=struct_ops
AVAILABLE=/proc/sys/net/ipv4/tcp_available_congestion_control
missing=$(ks_need_build_tools) || { fail "$T" "$missing"; summary; exit; }
missing=$(need_tools python3) || { fail "$T" "$missing"; summary; exit; }
# a struct_ops type the kernel lacks, declared with placeholder types
if ks_build "$T: absent" "$KT_DIR/struct_ops/absent.ks" "$kt_tmp/absent"; then
	status=0
	"$kt_tmp/absent/absent" >"$kt_tmp/absent.out" 2>"$kt_tmp/absent.err" || status=$?
	if [ "$status" = 1 ] && grep -q '^This kernel has no struct example_ops, which example fills' \
		"$kt_tmp/absent.err" && ! grep -q registered "$kt_tmp/absent.out"; then
		pass "$T: a kernel without the struct_ops type: the loader says so and fails"
	else
		fail "$T: absent" "exit status $status, expected 1 and the reason" "$kt_tmp/absent.err"
	fi
fi

ks_build "$T" "$KT_DIR/struct_ops/cc.ks" "$kt_tmp/cc" || { summary; exit; }

kt_bg "$kt_tmp/cc.out" "$kt_tmp/cc/cc"
pid=$KT_BG_PID
n=0
while ! grep -qw ks_steady "$AVAILABLE" && [ $n -lt 50 ] && kill -0 "$pid" 2>/dev/null; do
	sleep 0.1
	n=$((n + 1))
done
if grep -qw ks_steady "$AVAILABLE"; then
	pass "$T: registered, ks_steady is in tcp_available_congestion_control ($(cat "$AVAILABLE"))"
else
	fail "$T: register" "ks_steady is not available" "$kt_tmp/cc.out" "$kt_tmp/cc.out.err"
	summary
	exit
fi

# a connection over loopback that selects it, and 4 MB through it
if python3 - >"$kt_tmp/client.out" 2>&1 <<'END'
import socket, threading
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(1)
def serve():
    peer, _ = srv.accept()
    while peer.recv(65536):
        pass
reader = threading.Thread(target=serve)
reader.start()
c = socket.socket()
c.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, b"ks_steady")
c.connect(srv.getsockname())
print(c.getsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, 16).rstrip(b"\0").decode())
c.sendall(b"x" * 4000000)
c.close()
reader.join()
END
then
	if grep -qx ks_steady "$kt_tmp/client.out"; then
		pass "$T: a socket selects ks_steady and sends 4 MB with it"
	else
		fail "$T: socket" "the socket does not use ks_steady" "$kt_tmp/client.out"
	fi
else
	fail "$T: socket" "the client failed" "$kt_tmp/client.out"
fi

map=$(ks_map_id "$pid" calls)
init=$(ks_map_value "$map" 3) avoid=$(ks_map_value "$map" 2)
if [ "${init:-0}" -ge 1 ] && [ "${avoid:-0}" -ge 1 ]; then
	pass "$T: its functions ran: init $init time(s), cong_avoid $avoid"
else
	fail "$T: calls" "init ${init:-none}, cong_avoid ${avoid:-none}"
fi

ks_stop "$T" "$pid" "$kt_tmp/cc.out"
if grep -q "^init [1-9][0-9]*, cong_avoid [1-9][0-9]*$" "$kt_tmp/cc.out"; then
	pass "$T: main reads the counts: $(cat "$kt_tmp/cc.out")"
else
	fail "$T: main's counts" "not what main printed" "$kt_tmp/cc.out"
fi
if grep -qw ks_steady "$AVAILABLE"; then
	fail "$T: unregister" "ks_steady is still available after the loader exited"
else
	pass "$T: after exit, ks_steady is gone"
fi
summary
