/*
 * ICMP echo for the probe engine (probe_engine.c owns the probes, their matching and timing):
 * sockets, echo requests and the parsing of what comes back. Packets are read as bytes, so no
 * libc ICMP header struct (they differ between glibc's and the kernel's headers) is needed.
 *
 * Raw sockets see every ICMP message the host receives: echo replies for other programs'
 * pings, and on loopback our own requests as well. A reply is ours only when its sender,
 * identifier and sequence number all match a probe; an error (destination unreachable, time
 * exceeded) is matched on the echo request it quotes. The kernel's ICMP filter keeps the rest
 * of the host's ICMP traffic out of the socket.
 *
 * A datagram ("ping") socket is the kernel's own echo client: it sets the identifier itself,
 * delivers only the replies to that identifier, and reports errors on its error queue.
 */
#define _GNU_SOURCE

#include "icmp.h"

#include <errno.h>
#include <linux/errqueue.h>
#include <netinet/icmp6.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

/* From linux/icmp.h, which clashes with glibc's netinet/ip_icmp.h. */
#define ICMP_FILTER_OPT 1

#define T4_ECHO_REPLY 0
#define T4_DEST_UNREACH 3
#define T4_ECHO 8
#define T4_TIME_EXCEEDED 11
#define T4_PARAMETER_PROBLEM 12
#define T6_DEST_UNREACH 1
#define T6_PACKET_TOO_BIG 2
#define T6_TIME_EXCEEDED 3
#define T6_PARAMETER_PROBLEM 4
#define T6_ECHO 128
#define T6_ECHO_REPLY 129

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static void wr16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

static uint16_t checksum(const uint8_t *p, size_t len) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < len; i += 2)
    sum += rd16(p + i);
  if (len & 1)
    sum += (uint32_t)p[len - 1] << 8;
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)~sum;
}

/* Only the messages the engine reads get through to a raw socket. */
static void set_filter(int fd, int family) {
  if (family == 4) {
    /* A set bit blocks that type. */
    uint32_t block = ~((1u << T4_ECHO_REPLY) | (1u << T4_DEST_UNREACH) | (1u << T4_TIME_EXCEEDED) |
                       (1u << T4_PARAMETER_PROBLEM));
    setsockopt(fd, SOL_RAW, ICMP_FILTER_OPT, &block, sizeof block);
    return;
  }
  struct icmp6_filter f;
  ICMP6_FILTER_SETBLOCKALL(&f);
  ICMP6_FILTER_SETPASS(T6_ECHO_REPLY, &f);
  ICMP6_FILTER_SETPASS(T6_DEST_UNREACH, &f);
  ICMP6_FILTER_SETPASS(T6_PACKET_TOO_BIG, &f);
  ICMP6_FILTER_SETPASS(T6_TIME_EXCEEDED, &f);
  ICMP6_FILTER_SETPASS(T6_PARAMETER_PROBLEM, &f);
  setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof f);
}

int icmp_open(int family, const icmp_addr *src, socklen_t src_len, bool *dgram, bool *bind_failed) {
  int af = family == 6 ? AF_INET6 : AF_INET;
  int proto = family == 6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
  *dgram = false;
  *bind_failed = false;
  int fd = socket(af, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
  if (fd < 0) {
    int raw_err = errno;
    if (raw_err != EPERM && raw_err != EACCES)
      return -raw_err;
    fd = socket(af, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
    if (fd < 0)
      return -raw_err;
    *dgram = true;
  }
  int one = 1;
  if (*dgram) {
    /* Without it a ping socket drops the errors it is told of. */
    if (family == 6)
      setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &one, sizeof one);
    else
      setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof one);
  } else {
    set_filter(fd, family);
  }
  /* Thousands of replies may arrive between two turns of Node's loop. */
  int rcvbuf = 1 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  if (src_len) {
    icmp_addr a = *src;
    if (family == 6)
      a.in6.sin6_port = 0;
    else
      a.in4.sin_port = 0;
    if (bind(fd, &a.sa, src_len) < 0) {
      int err = errno;
      close(fd);
      *bind_failed = true;
      return -err;
    }
  }
  return fd;
}

void icmp_echo_build(uint8_t *buf, int family, bool dgram, uint16_t id, uint16_t seq) {
  static const uint8_t data[8] = {'v', 'p', 'p', '-', 'm', 'g', 'l', 'v'};
  memset(buf, 0, ICMP_ECHO_LEN);
  buf[0] = family == 6 ? T6_ECHO : T4_ECHO;
  wr16(buf + 4, id);
  wr16(buf + 6, seq);
  memcpy(buf + 8, data, sizeof data);
  /* The kernel sums ICMPv6 (over its pseudo-header) and everything a ping socket sends. */
  if (family == 4 && !dgram)
    wr16(buf + 2, checksum(buf, ICMP_ECHO_LEN));
}

static bool is_error_type(int family, uint8_t type) {
  if (family == 6)
    return type == T6_DEST_UNREACH || type == T6_PACKET_TOO_BIG || type == T6_TIME_EXCEEDED ||
           type == T6_PARAMETER_PROBLEM;
  return type == T4_DEST_UNREACH || type == T4_TIME_EXCEEDED || type == T4_PARAMETER_PROBLEM;
}

void icmp_parse(int family, bool dgram, const uint8_t *buf, size_t len, const icmp_addr *from, icmp_msg *out) {
  memset(out, 0, sizeof *out);
  out->from = *from;
  const uint8_t *icmp = buf;
  size_t left = len;
  if (family == 4 && !dgram) {
    /* A raw IPv4 socket gets the IP header too. */
    if (len < 20 || (buf[0] >> 4) != 4)
      return;
    size_t ihl = (size_t)(buf[0] & 0x0f) * 4;
    if (ihl < 20 || len < ihl + 8)
      return;
    icmp = buf + ihl;
    left = len - ihl;
  }
  if (left < 8)
    return;
  uint8_t type = icmp[0];
  out->type = type;
  out->code = icmp[1];
  if (type == (family == 6 ? T6_ECHO_REPLY : T4_ECHO_REPLY)) {
    out->kind = ICMP_REPLY;
    out->id = rd16(icmp + 4);
    out->seq = rd16(icmp + 6);
    if (family == 6)
      memcpy(out->peer, &from->in6.sin6_addr, 16);
    else
      memcpy(out->peer, &from->in4.sin_addr, 4);
    return;
  }
  if (dgram || !is_error_type(family, type))
    return;
  /* The error quotes the IP header of our request and at least its first 8 bytes. */
  const uint8_t *inner = icmp + 8;
  size_t inner_len = left - 8;
  const uint8_t *echo;
  if (family == 6) {
    if (inner_len < 40 + 8 || (inner[0] >> 4) != 6 || inner[6] != IPPROTO_ICMPV6)
      return;
    memcpy(out->peer, inner + 24, 16);
    echo = inner + 40;
  } else {
    if (inner_len < 20 || (inner[0] >> 4) != 4 || inner[9] != IPPROTO_ICMP)
      return;
    size_t ihl = (size_t)(inner[0] & 0x0f) * 4;
    if (ihl < 20 || inner_len < ihl + 8)
      return;
    memcpy(out->peer, inner + 16, 4);
    echo = inner + ihl;
  }
  if (echo[0] != (family == 6 ? T6_ECHO : T4_ECHO))
    return;
  out->kind = ICMP_ERROR;
  out->id = rd16(echo + 4);
  out->seq = rd16(echo + 6);
}

int icmp_read_error(int fd, int family, icmp_msg *out) {
  uint8_t data[64];
  union {
    char buf[512];
    struct cmsghdr align;
  } control;
  icmp_addr dst;
  struct iovec iov = {.iov_base = data, .iov_len = sizeof data};
  struct msghdr msg = {
      .msg_name = &dst,
      .msg_namelen = sizeof dst,
      .msg_iov = &iov,
      .msg_iovlen = 1,
      .msg_control = control.buf,
      .msg_controllen = sizeof control.buf,
  };
  memset(out, 0, sizeof *out);
  ssize_t n = recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT);
  if (n < 0)
    return -errno;
  const struct sock_extended_err *ee = NULL;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR) ||
        (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR))
      ee = (const struct sock_extended_err *)CMSG_DATA(c);
  }
  uint8_t origin = family == 6 ? SO_EE_ORIGIN_ICMP6 : SO_EE_ORIGIN_ICMP;
  /* The data is the echo request as sent (the kernel's identifier in it). */
  if (!ee || ee->ee_origin != origin || n < 8 || data[0] != (family == 6 ? T6_ECHO : T4_ECHO))
    return 0;
  out->kind = ICMP_ERROR;
  out->type = ee->ee_type;
  out->code = ee->ee_code;
  out->id = rd16(data + 4);
  out->seq = rd16(data + 6);
  if (family == 6)
    memcpy(out->peer, &dst.in6.sin6_addr, 16);
  else
    memcpy(out->peer, &dst.in4.sin_addr, 4);
  const struct sockaddr *offender = SO_EE_OFFENDER(ee);
  if (offender->sa_family == AF_INET6)
    memcpy(&out->from.in6, offender, sizeof out->from.in6);
  else if (offender->sa_family == AF_INET)
    memcpy(&out->from.in4, offender, sizeof out->from.in4);
  return 1;
}
