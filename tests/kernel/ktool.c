// SPDX-License-Identifier: GPL-2.0
/*
 * Small tools for the kernel tests, built on the fly by lib.sh with cc alone
 * (no libbpf, no python):
 *
 *   ktool bpf-probe
 *	loads a two-instruction XDP program with bpf(BPF_PROG_LOAD) and
 *	unloads it: exit 0 when bpf() is usable, else 1 and the reason.
 *   ktool udp-send ADDR PORT COUNT
 *	sends COUNT small UDP datagrams to ADDR:PORT, 2 ms apart.
 *   ktool udp-recv ADDR PORT EXPECT TIMEOUT_MS
 *	binds ADDR:PORT, prints "listening", then counts datagrams until
 *	EXPECT have come or TIMEOUT_MS have passed, and prints "received N".
 *   ktool ping ADDR COUNT INTERVAL_MS SIZE
 *	sends COUNT ICMP echo requests of SIZE bytes of payload to ADDR,
 *	INTERVAL_MS apart, waits up to a second for the last replies and
 *	prints "sent N received M" (replies counted once per sequence).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <netinet/ip_icmp.h>
#include <linux/bpf.h>

static int bpf_probe(void)
{
	struct bpf_insn insns[] = {
		/* r0 = XDP_PASS; exit */
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_XDP;
	attr.insns = (unsigned long)insns;
	attr.insn_cnt = sizeof(insns) / sizeof(insns[0]);
	attr.license = (unsigned long)"GPL";
	fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd < 0) {
		printf("bpf(BPF_PROG_LOAD) of a trivial XDP program failed: %s\n",
		       strerror(errno));
		return 1;
	}
	close(fd);
	printf("bpf() works\n");
	return 0;
}

static int parse_addr(const char *addr, const char *port, struct sockaddr_in *sin)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((unsigned short)atoi(port));
	if (inet_pton(AF_INET, addr, &sin->sin_addr) != 1) {
		fprintf(stderr, "ktool: bad IPv4 address '%s'\n", addr);
		return -1;
	}
	return 0;
}

static int udp_send(const char *addr, const char *port, int count)
{
	struct timespec gap = { 0, 2000000 };
	struct sockaddr_in sin;
	char payload[32];
	int fd, i, sent = 0;

	if (parse_addr(addr, port, &sin))
		return 2;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("ktool: socket");
		return 1;
	}
	for (i = 0; i < count; i++) {
		int len = snprintf(payload, sizeof(payload), "ktool %d", i);

		if (sendto(fd, payload, (size_t)len, 0, (struct sockaddr *)&sin,
			   sizeof(sin)) == len)
			sent++;
		else
			fprintf(stderr, "ktool: sendto %s:%s: %s\n", addr, port,
				strerror(errno));
		nanosleep(&gap, NULL);
	}
	close(fd);
	printf("sent %d\n", sent);
	return sent == count ? 0 : 1;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int udp_recv(const char *addr, const char *port, int expect, int timeout_ms)
{
	struct sockaddr_in sin;
	long long deadline;
	char buf[2048];
	int fd, received = 0;

	if (parse_addr(addr, port, &sin))
		return 2;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		fprintf(stderr, "ktool: bind %s:%s: %s\n", addr, port, strerror(errno));
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	deadline = now_ms() + timeout_ms;
	while (received < expect) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long long left = deadline - now_ms();

		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			break;
		if (recv(fd, buf, sizeof(buf), 0) >= 0)
			received++;
	}
	close(fd);
	printf("received %d\n", received);
	return 0;
}

static unsigned short icmp_checksum(const void *data, size_t len)
{
	const unsigned char *p = data;
	unsigned long sum = 0;

	for (; len > 1; p += 2, len -= 2)
		sum += (unsigned long)(p[0] << 8 | p[1]);
	if (len)
		sum += (unsigned long)(p[0] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((unsigned short)~sum);
}

/* Reads the replies that are there within WAIT_MS: marks their sequences. */
static void ping_replies(int fd, unsigned short id, unsigned char *seen, int count, int wait_ms)
{
	long long deadline = now_ms() + wait_ms;
	unsigned char buf[4096];

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long long left = deadline - now_ms();
		struct icmphdr *icmp;
		ssize_t n;
		size_t ihl;

		if (left < 0)
			left = 0;
		if (poll(&pfd, 1, (int)left) <= 0)
			return;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 20)
			continue;
		ihl = (size_t)(buf[0] & 0xf) * 4;
		if ((size_t)n < ihl + sizeof(*icmp))
			continue;
		icmp = (struct icmphdr *)(buf + ihl);
		if (icmp->type == ICMP_ECHOREPLY && ntohs(icmp->un.echo.id) == id &&
		    ntohs(icmp->un.echo.sequence) < count)
			seen[ntohs(icmp->un.echo.sequence)] = 1;
	}
}

static int ping(const char *addr, int count, int interval_ms, int size)
{
	struct sockaddr_in sin;
	unsigned short id = (unsigned short)getpid();
	unsigned char packet[sizeof(struct icmphdr) + 4096], *seen;
	struct icmphdr *icmp = (struct icmphdr *)packet;
	int fd, i, sent = 0, received = 0;

	if (parse_addr(addr, "0", &sin) || size < 0 || size > 4096 || count < 1 || count > 65535)
		return 2;
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	seen = calloc((size_t)count, 1);
	if (fd < 0 || !seen) {
		perror("ktool: ICMP socket");
		return 1;
	}
	memset(packet, 0xa5, sizeof(packet));
	for (i = 0; i < count; i++) {
		long long next = now_ms() + interval_ms;
		size_t len = sizeof(*icmp) + (size_t)size;

		memset(icmp, 0, sizeof(*icmp));
		icmp->type = ICMP_ECHO;
		icmp->un.echo.id = htons(id);
		icmp->un.echo.sequence = htons((unsigned short)i);
		icmp->checksum = icmp_checksum(packet, len);
		if (sendto(fd, packet, len, 0, (struct sockaddr *)&sin, sizeof(sin)) == (ssize_t)len)
			sent++;
		ping_replies(fd, id, seen, count, (int)(next - now_ms()));
	}
	ping_replies(fd, id, seen, count, 1000);
	for (i = 0; i < count; i++)
		received += seen[i];
	close(fd);
	free(seen);
	printf("sent %d received %d\n", sent, received);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 6 && strcmp(argv[1], "ping") == 0)
		return ping(argv[2], atoi(argv[3]), atoi(argv[4]), atoi(argv[5]));
	if (argc == 2 && strcmp(argv[1], "bpf-probe") == 0)
		return bpf_probe();
	if (argc == 5 && strcmp(argv[1], "udp-send") == 0)
		return udp_send(argv[2], argv[3], atoi(argv[4]));
	if (argc == 6 && strcmp(argv[1], "udp-recv") == 0)
		return udp_recv(argv[2], argv[3], atoi(argv[4]), atoi(argv[5]));
	fprintf(stderr, "usage: ktool bpf-probe\n"
		"       ktool ping ADDR COUNT INTERVAL_MS SIZE\n"
		"       ktool udp-send ADDR PORT COUNT\n"
		"       ktool udp-recv ADDR PORT EXPECT TIMEOUT_MS\n");
	return 2;
}
