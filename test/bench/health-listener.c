/*
 * The tcp and http backends of the side-by-side health bench (health.bench.ts), in C so that
 * 10,000 HTTP checks a second do not need more CPU than the probers being measured: N
 * listeners on N loopback addresses, one port, one epoll loop.
 *
 *   health-listener MODE N        MODE: tcp | http
 *
 * Prints the port on a line once every address listens; exits when stdin closes. tcp closes
 * each connection it accepts (a prober that withholds the handshake's last ACK, as HAProxy
 * does, is never accepted at all); http answers the first read of each connection with
 * `200 OK` and a two-byte body, then closes.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

static const char RESPONSE[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";

/* The same addresses as health.bench.ts: spread over 127.0.0.0/8. */
static uint32_t address(uint32_t i) { return 0x7f000000u | (1 + ((i * 1663u) % 0xfffffdu)); }

#define TAG_LISTEN 1u
#define TAG_CONN 2u
#define TAG_STDIN 3u

static uint64_t tag(uint32_t kind, int fd) { return ((uint64_t)kind << 32) | (uint32_t)fd; }

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s tcp|http N\n", argv[0]);
    return 2;
  }
  int http = strcmp(argv[1], "http") == 0;
  uint32_t n = (uint32_t)strtoul(argv[2], NULL, 10);
  int ep = epoll_create1(EPOLL_CLOEXEC);
  uint16_t port = 0;
  for (uint32_t i = 0; i < n; i++) {
    int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(address(i))};
    if (bind(s, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(s, 4096) < 0) {
      char text[32];
      inet_ntop(AF_INET, &sa.sin_addr, text, sizeof text);
      fprintf(stderr, "health-listener: %s:%u: %s\n", text, port, strerror(errno));
      return 1;
    }
    if (port == 0) {
      socklen_t len = sizeof sa;
      getsockname(s, (struct sockaddr *)&sa, &len);
      port = ntohs(sa.sin_port);
    }
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = tag(TAG_LISTEN, s)};
    epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev);
  }
  struct epoll_event in = {.events = EPOLLIN, .data.u64 = tag(TAG_STDIN, 0)};
  epoll_ctl(ep, EPOLL_CTL_ADD, 0, &in);
  printf("%u\n", port);
  fflush(stdout);

  struct epoll_event events[512];
  char buf[4096];
  for (;;) {
    int k = epoll_wait(ep, events, 512, -1);
    if (k < 0 && errno == EINTR)
      continue;
    for (int j = 0; j < k; j++) {
      uint32_t kind = (uint32_t)(events[j].data.u64 >> 32);
      int fd = (int)(uint32_t)events[j].data.u64;
      if (kind == TAG_STDIN) {
        if (read(0, buf, sizeof buf) <= 0)
          return 0;
      } else if (kind == TAG_LISTEN) {
        for (int a = 0; a < 64; a++) {
          int c = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
          if (c < 0)
            break;
          if (!http) {
            close(c);
            continue;
          }
          struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.u64 = tag(TAG_CONN, c)};
          epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
        }
      } else {
        /* One read is the whole request of either prober: both send a few dozen bytes. */
        ssize_t r = read(fd, buf, sizeof buf);
        if (r > 0)
          (void)!write(fd, RESPONSE, sizeof RESPONSE - 1);
        close(fd);
      }
    }
  }
}
