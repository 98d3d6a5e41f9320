#ifndef VPP_MAGLEV_ICMP_H
#define VPP_MAGLEV_ICMP_H

/*
 * ICMP echo at the packet level for the probe engine: opening the sockets, building echo
 * requests, and reading what comes back into (peer, id, seq) for the engine to match.
 */
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Bytes of an echo request: the 8-byte header and 8 bytes of data. */
#define ICMP_ECHO_LEN 16

typedef union {
  struct sockaddr sa;
  struct sockaddr_in in4;
  struct sockaddr_in6 in6;
} icmp_addr;

/*
 * Opens a non-blocking ICMP (family 4) or ICMPv6 (6) socket bound to `src` when src_len is not
 * 0: a raw socket, or when raw sockets are refused, an unprivileged ICMP datagram socket (a
 * "ping socket", allowed by net.ipv4.ping_group_range). Returns the fd, or -errno: the raw
 * socket's errno when neither was allowed, since the raw socket is what the privilege grants.
 * *bind_failed says whether the error came from bind(). *dgram says which kind was opened.
 */
int icmp_open(int family, const icmp_addr *src, socklen_t src_len, bool *dgram, bool *bind_failed);

/* Writes an echo request (type 8 or 128) into buf (ICMP_ECHO_LEN bytes). */
void icmp_echo_build(uint8_t *buf, int family, bool dgram, uint16_t id, uint16_t seq);

enum icmp_kind { ICMP_NONE = 0, ICMP_REPLY, ICMP_ERROR };

typedef struct {
  int kind; /* enum icmp_kind */
  uint8_t type, code;
  uint16_t id, seq;
  /* The address our echo request went to: a reply's sender, the destination inside an error. */
  uint8_t peer[16];
  /* Who sent the message (an error comes from a router, not the peer). */
  icmp_addr from;
} icmp_msg;

/*
 * Reads one received datagram: an echo reply, or an error about one of our echo requests.
 * ICMP_NONE for anything else (other ICMP traffic, our own requests seen on loopback).
 */
void icmp_parse(int family, bool dgram, const uint8_t *buf, size_t len, const icmp_addr *from, icmp_msg *out);

/*
 * Reads one message of a datagram socket's error queue (IP_RECVERR): the error an echo request
 * of ours met. 1 with *out filled, 0 for one that is not ours, -errno when the queue is empty
 * (-EAGAIN) or unreadable.
 */
int icmp_read_error(int fd, int family, icmp_msg *out);

#endif
