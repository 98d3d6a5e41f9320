/*
 * The health checker's probe engine: TCP connect checks, plain HTTP checks and ICMP echo (the
 * packets themselves are icmp.c's) on an epoll set of their own, driven from Node's event loop, with results handed to JavaScript in batches.
 * A net.Socket per probe costs tens of microseconds of stream machinery that a
 * connect-and-close check never uses; here a probe is a handful of system calls.
 *
 * The engine's epoll fd sits in Node's loop behind one uv_poll handle and its deadlines behind
 * one uv_timer, so no thread, lock or wake-up is added: a probe starts inside the JS call that
 * asks for it, and every loop turn in which probes finish makes one call back into JS.
 *
 * JavaScript (lib/health/probes/engine.ts) drives it through probeEngineCreate(onResults),
 * which returns an object of functions bound to one engine:
 *
 *   prepare(kind, family, address, port, source, timeoutMs, request, ranges, flags) -> id
 *                            kind 0 TCP, 1 HTTP, 2 ICMP (port, request, ranges unused)
 *                            what to probe, parsed once per backend and kept under a number
 *   release(id)              forgets a prepared target (probes using it finish normally)
 *   startBatch(ints, count)  starts `count` probes, (slot, seq, id) triples: one call a turn
 *   cancel(slot, seq)        drops a probe; it reports nothing
 *   ref(ref)                 keeps Node's loop alive while probes run
 *   close()                  drops every probe, releases the engine
 *
 * onResults(records, count, bodies) receives `count` records of RECORD_INTS ints at the start
 * of an Int32Array it must not keep (the engine reuses it): slot, seq, code, value, duration
 * in µs, body length per finished probe; and, when a record carries a body, one Buffer with
 * the bodies one after another.
 *
 * ICMP: one socket per family and source address, shared by all probes to it (opened on first
 * use, kept until close), is in the epoll set with its pointer tagged in the low bit; a probe is
 * an entry in its socket's table, by sequence number, and one sendto.
 *
 * TCP: the socket withholds the last ACK of the handshake (TCP_QUICKACK off, as HAProxy does
 * for its checks) and is closed with a reset (SO_LINGER 0) as soon as the connect completes,
 * so a check costs the backend no accepted connection and leaves no TIME_WAIT. HTTP: the
 * prepared request is written (its first segment carries the handshake's ACK), the status
 * line and headers are parsed, and the body is read only when a response regex needs it (at
 * most 64 KiB, de-chunked); the regex itself runs in JavaScript, which owns its syntax.
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8

#include "probe_engine.h"

#include "icmp.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

#define MAX_BODY (64 * 1024)
/* Node's default --max-http-header-size: the JS prober refuses larger heads too. */
#define MAX_HEAD (16 * 1024)
#define READ_CHUNK (64 * 1024)
#define MAX_EVENTS 256
#define RECORD_INTS 6

enum kind { KIND_TCP = 0, KIND_HTTP = 1, KIND_ICMP = 2 };
enum spec_flags { SPEC_HEAD = 1, SPEC_BODY = 2 };

/* Result codes; lib/health/probes/engine.ts keeps the same list. */
enum code {
  R_L4OK = 0,
  R_L4TOUT = 1,
  R_L4CON = 2,      /* value: errno */
  R_L7TOUT = 3,
  R_L7RSP = 4,      /* value: errno or parse error, before the body */
  R_L7RSP_BODY = 5, /* value: errno or parse error, in the body */
  R_L7STS = 6,      /* value: status */
  R_L7OK = 7,       /* value: status */
  R_BODY = 8,       /* value: status; a body follows for the response regex */
  R_ICMP_REPLY = 9,
  R_ICMP_SOCKET = 10, /* value: errno of socket() */
  R_ICMP_BIND = 11,   /* value: errno of bind() to the source address */
  R_ICMP_SEND = 12,   /* value: errno */
  R_ICMP_ERROR = 13,  /* value: type | code << 8; the body is the sender's address, as text */
};

/* Parse errors (negative values), named in JS after Node's llhttp error codes. */
enum parse_error {
  PE_INVALID_CONSTANT = -1,
  PE_INVALID_VERSION = -2,
  PE_INVALID_STATUS = -3,
  PE_INVALID_HEADER_TOKEN = -4,
  PE_HEADER_OVERFLOW = -5,
  PE_INVALID_CONTENT_LENGTH = -6,
  PE_INVALID_CHUNK_SIZE = -7,
};

typedef icmp_addr sockaddr_any;

/* Immutable once prepared; shared by JS (through an External) and the probes using it. */
typedef struct {
  atomic_int refs;
  uint8_t kind;
  uint8_t flags;
  int family;
  sockaddr_any dst, src;
  socklen_t dst_len, src_len; /* src_len 0: the kernel chooses the source */
  uint32_t timeout_ms;
  uint32_t nranges;
  int32_t *ranges; /* accepted status ranges: from, to pairs */
  size_t req_len;
  char *req;
} spec_t;

typedef struct {
  int32_t v[RECORD_INTS];
} record_t;

enum state { ST_CONNECT, ST_SEND, ST_HEAD, ST_BODY, ST_ICMP };
enum body_mode { BM_LENGTH, BM_EOF, BM_CHUNKED };
enum chunk_state { CH_SIZE, CH_EXT, CH_SIZE_LF, CH_DATA, CH_DATA_CR, CH_DATA_LF };

struct icmp_sock;

typedef struct probe {
  spec_t *spec;
  uint32_t slot, seq;
  int fd;
  /* ICMP: the socket the echo request goes out on, its sequence number there, and its place in
   * that socket's send queue while the socket's buffer is full. */
  struct icmp_sock *isock;
  uint16_t icmp_seq;
  bool queued;
  struct probe *qnext, *qprev;
  uint8_t state, body_mode, chunk_state;
  bool chunk_digits;
  size_t heap_idx;
  uint64_t start_ns, deadline_ns;
  size_t sent;
  int status;
  uint64_t remaining; /* BM_LENGTH: body bytes still due; BM_CHUNKED: left in this chunk */
  char *head;
  size_t head_len, head_cap;
  char *body;
  size_t body_len, body_cap;
} probe_t;

/* Echo sequence numbers per socket: a probe is found by the one its reply carries. */
#define ICMP_SEQS 65536

/*
 * One ICMP socket per address family and source address (more when one has 65,536 echo
 * requests outstanding). A raw socket's identifier is ours, drawn at random so that two
 * engines (or two processes) rarely share one; a ping socket's is the kernel's.
 */
typedef struct icmp_sock {
  struct icmp_sock *next;
  int family;
  sockaddr_any src;
  socklen_t src_len;
  int fd;
  bool dgram;
  bool want_out; /* EPOLLOUT is asked for: the send queue is not empty */
  uint16_t id;
  uint16_t next_seq;
  uint32_t nout;
  probe_t **out; /* by sequence number */
  probe_t *qhead, *qtail;
} icmp_sock_t;

typedef struct {
  napi_env env;
  uv_poll_t poll;
  uv_timer_t timer;
  int ep;
  int open_handles;
  bool closing;
  napi_ref callback;
  napi_async_context async;
  /* One Int32Array the records are copied into, reused by every delivery (grown as needed). */
  napi_ref records;
  int32_t *records_mem;
  size_t records_cap; /* in records */
  uint64_t timer_at; /* the deadline the timer is armed for; UINT64_MAX when stopped */
  probe_t **slots;
  size_t nslots;
  probe_t **heap;
  size_t nheap, capheap;
  /* Prepared targets by id; freed ids are reused. */
  spec_t **specs;
  size_t capspecs, usedspecs;
  uint32_t *freespecs;
  size_t nfreespecs, capfreespecs;
  /* Finished probes' structs, kept for the next ones instead of a malloc per probe. */
  probe_t **spare;
  size_t nspare, capspare;
  icmp_sock_t *icmp_socks;
  record_t *pend;
  size_t npend, cappend;
  char *pendbody;
  size_t npendbody, cappendbody;
  char *scratch;
} engine_t;

/* What the JS External holds: outlives the engine, so that a call after close is caught. */
typedef struct {
  engine_t *e;
  napi_env env;
  int refs; /* the engine object and its functions, each finalized on its own */
  bool hooked;
  bool refd;
} engine_box;

/* Bookkeeping arrays only grow; failing to grow them is out of memory, like V8's own. */
static void grow(void **p, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap)
    return;
  size_t n = *cap ? *cap : 16;
  while (n < need)
    n *= 2;
  void *q = realloc(*p, n * elem);
  if (!q) {
    fprintf(stderr, "vpp_maglev_native: probe engine out of memory\n");
    abort();
  }
  *p = q;
  *cap = n;
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void spec_unref(spec_t *sp) {
  if (atomic_fetch_sub(&sp->refs, 1) != 1)
    return;
  free(sp->ranges);
  free(sp->req);
  free(sp);
}

/* ------------------------------------------------------------ deadline heap */

static bool earlier(const probe_t *a, const probe_t *b) { return a->deadline_ns < b->deadline_ns; }

static void heap_set(engine_t *e, size_t i, probe_t *p) {
  e->heap[i] = p;
  p->heap_idx = i;
}

static void heap_up(engine_t *e, size_t i) {
  probe_t *p = e->heap[i];
  while (i > 0) {
    size_t parent = (i - 1) / 2;
    if (!earlier(p, e->heap[parent]))
      break;
    heap_set(e, i, e->heap[parent]);
    i = parent;
  }
  heap_set(e, i, p);
}

static void heap_down(engine_t *e, size_t i) {
  probe_t *p = e->heap[i];
  for (;;) {
    size_t l = 2 * i + 1, r = l + 1, c;
    if (l >= e->nheap)
      break;
    c = r < e->nheap && earlier(e->heap[r], e->heap[l]) ? r : l;
    if (!earlier(e->heap[c], p))
      break;
    heap_set(e, i, e->heap[c]);
    i = c;
  }
  heap_set(e, i, p);
}

static void heap_push(engine_t *e, probe_t *p) {
  grow((void **)&e->heap, &e->capheap, e->nheap + 1, sizeof *e->heap);
  e->heap[e->nheap] = p;
  p->heap_idx = e->nheap++;
  heap_up(e, p->heap_idx);
}

static void heap_remove(engine_t *e, probe_t *p) {
  size_t i = p->heap_idx;
  probe_t *last = e->heap[--e->nheap];
  if (i == e->nheap)
    return;
  heap_set(e, i, last);
  if (i > 0 && earlier(last, e->heap[(i - 1) / 2]))
    heap_up(e, i);
  else
    heap_down(e, i);
}

/* ---------------------------------------------------------------- probes */

static void icmp_unqueue(icmp_sock_t *s, probe_t *p) {
  if (!p->queued)
    return;
  if (p->qprev)
    p->qprev->qnext = p->qnext;
  else
    s->qhead = p->qnext;
  if (p->qnext)
    p->qnext->qprev = p->qprev;
  else
    s->qtail = p->qprev;
  p->queued = false;
  p->qnext = p->qprev = NULL;
}

static void free_probe(engine_t *e, probe_t *p) {
  heap_remove(e, p);
  e->slots[p->slot] = NULL;
  icmp_sock_t *s = p->isock;
  if (s) {
    icmp_unqueue(s, p);
    if (s->out[p->icmp_seq] == p) {
      s->out[p->icmp_seq] = NULL;
      s->nout--;
    }
  }
  /* SO_LINGER 0 was set at creation: an established connection ends with a reset. */
  if (p->fd >= 0)
    close(p->fd);
  free(p->head);
  free(p->body);
  spec_unref(p->spec);
  if (e->nspare < 1024) {
    grow((void **)&e->spare, &e->capspare, e->nspare + 1, sizeof *e->spare);
    e->spare[e->nspare++] = p;
  } else {
    free(p);
  }
}

static void finish(engine_t *e, probe_t *p, int code, int value) {
  grow((void **)&e->pend, &e->cappend, e->npend + 1, sizeof *e->pend);
  record_t *r = &e->pend[e->npend++];
  uint64_t us = (now_ns() - p->start_ns) / 1000;
  size_t body = code == R_BODY || code == R_ICMP_ERROR ? p->body_len : 0;
  r->v[0] = (int32_t)p->slot;
  r->v[1] = (int32_t)p->seq;
  r->v[2] = code;
  r->v[3] = value;
  r->v[4] = us > INT32_MAX ? INT32_MAX : (int32_t)us;
  r->v[5] = (int32_t)body;
  if (body) {
    grow((void **)&e->pendbody, &e->cappendbody, e->npendbody + body, 1);
    memcpy(e->pendbody + e->npendbody, p->body, body);
    e->npendbody += body;
  }
  free_probe(e, p);
}

static bool status_accepted(const spec_t *sp, int status) {
  for (uint32_t i = 0; i < sp->nranges; i++) {
    if (status >= sp->ranges[2 * i] && status <= sp->ranges[2 * i + 1])
      return true;
  }
  return false;
}

static void start_icmp(engine_t *e, probe_t *p);

static void start_probe(engine_t *e, uint32_t slot, uint32_t seq, spec_t *sp) {
  probe_t *p = e->nspare ? e->spare[--e->nspare] : malloc(sizeof *p);
  if (p)
    memset(p, 0, sizeof *p);
  if (!p) {
    fprintf(stderr, "vpp_maglev_native: probe engine out of memory\n");
    abort();
  }
  p->spec = sp;
  p->slot = slot;
  p->seq = seq;
  p->fd = -1;
  p->start_ns = now_ns();
  p->deadline_ns = p->start_ns + (uint64_t)sp->timeout_ms * 1000000u;
  if (slot >= e->nslots) {
    size_t old = e->nslots;
    grow((void **)&e->slots, &e->nslots, (size_t)slot + 1, sizeof *e->slots);
    memset(e->slots + old, 0, (e->nslots - old) * sizeof *e->slots);
  }
  /* JS never reuses a slot before its probe finished or was cancelled. */
  e->slots[slot] = p;
  heap_push(e, p);
  if (sp->kind == KIND_ICMP) {
    start_icmp(e, p);
    return;
  }

  int fd = socket(sp->family == 6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    finish(e, p, R_L4CON, errno);
    return;
  }
  p->fd = fd;
  struct linger lg = {.l_onoff = 1, .l_linger = 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  /* No lone ACK for the SYN-ACK: a TCP check resets at once, an HTTP check's ACK rides on
   * its request. */
  int zero = 0, one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &zero, sizeof zero);
  if (sp->src_len) {
    /* The port is picked at connect, per destination, so a fixed source cannot run out. */
    setsockopt(fd, SOL_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    if (bind(fd, &sp->src.sa, sp->src_len) < 0) {
      finish(e, p, R_L4CON, errno);
      return;
    }
  }
  bool connected = connect(fd, &sp->dst.sa, sp->dst_len) == 0;
  if (!connected && errno != EINPROGRESS) {
    finish(e, p, R_L4CON, errno);
    return;
  }
  if (connected && sp->kind == KIND_TCP) {
    finish(e, p, R_L4OK, 0);
    return;
  }
  struct epoll_event ev = {.events = EPOLLOUT | EPOLLET, .data.ptr = p};
  if (sp->kind == KIND_HTTP)
    ev.events |= EPOLLIN | EPOLLRDHUP;
  if (epoll_ctl(e->ep, EPOLL_CTL_ADD, fd, &ev) < 0)
    finish(e, p, R_L4CON, errno);
}

/* ----------------------------------------------------------- HTTP parsing */

static bool is_tchar(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
    return true;
  return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static int hex_value(char c) {
  if (is_digit(c))
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

typedef struct {
  int status;
  int64_t content_length; /* -1: none */
  bool chunked;
} head_info;

/* Trims optional white space and a trailing CR from [*s, *end). */
static void trim(const char **s, const char **end) {
  while (*s < *end && (**s == ' ' || **s == '\t'))
    (*s)++;
  while (*end > *s && ((*end)[-1] == ' ' || (*end)[-1] == '\t' || (*end)[-1] == '\r'))
    (*end)--;
}

/* Does the comma-separated list [s, end) end with the coding "chunked"? */
static bool ends_chunked(const char *s, const char *end) {
  const char *last = s;
  for (const char *q = s; q < end; q++) {
    if (*q == ',')
      last = q + 1;
  }
  trim(&last, &end);
  return end - last == 7 && strncasecmp(last, "chunked", 7) == 0;
}

/* Parses a complete head (status line and headers, terminator included). 0 or a parse error. */
static int parse_head(const char *buf, size_t len, head_info *h) {
  const char *p = buf, *end = buf + len;
  h->status = 0;
  h->content_length = -1;
  h->chunked = false;
  if (len < 5 || memcmp(p, "HTTP/", 5) != 0)
    return PE_INVALID_CONSTANT;
  p += 5;
  if (end - p < 3 || !is_digit(p[0]) || p[1] != '.' || !is_digit(p[2]))
    return PE_INVALID_VERSION;
  p += 3;
  if (end - p < 4 || *p != ' ' || !is_digit(p[1]) || !is_digit(p[2]) || !is_digit(p[3]))
    return PE_INVALID_STATUS;
  h->status = (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
  p += 4;
  if (p < end && *p != ' ' && *p != '\r' && *p != '\n')
    return PE_INVALID_STATUS;
  const char *nl = memchr(p, '\n', (size_t)(end - p));
  if (!nl)
    return PE_INVALID_STATUS;
  p = nl + 1;
  for (;;) {
    nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl)
      return PE_INVALID_HEADER_TOKEN;
    const char *line_end = nl;
    if (line_end > p && line_end[-1] == '\r')
      line_end--;
    if (line_end == p)
      return 0; /* the empty line */
    const char *colon = p;
    while (colon < line_end && is_tchar((unsigned char)*colon))
      colon++;
    if (colon == p || colon == line_end || *colon != ':')
      return PE_INVALID_HEADER_TOKEN;
    size_t name_len = (size_t)(colon - p);
    const char *v = colon + 1, *v_end = line_end;
    trim(&v, &v_end);
    if (name_len == 14 && strncasecmp(p, "content-length", 14) == 0) {
      if (v == v_end)
        return PE_INVALID_CONTENT_LENGTH;
      int64_t n = 0;
      for (const char *q = v; q < v_end; q++) {
        if (!is_digit(*q) || n > (INT64_MAX - 9) / 10)
          return PE_INVALID_CONTENT_LENGTH;
        n = n * 10 + (*q - '0');
      }
      if (h->content_length >= 0 && h->content_length != n)
        return PE_INVALID_CONTENT_LENGTH;
      h->content_length = n;
    } else if (name_len == 17 && strncasecmp(p, "transfer-encoding", 17) == 0) {
      h->chunked = ends_chunked(v, v_end);
    }
    p = nl + 1;
  }
}

/* Where the head ends (just past its empty line), searching from `from`; 0 if not yet. */
static size_t head_end(const char *buf, size_t len, size_t from) {
  for (size_t i = from; i < len; i++) {
    if (buf[i] != '\n')
      continue;
    if (i + 1 < len && buf[i + 1] == '\n')
      return i + 2;
    if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n')
      return i + 3;
  }
  return 0;
}

static void body_append(probe_t *p, const char *data, size_t n) {
  size_t room = MAX_BODY - p->body_len;
  if (n > room)
    n = room;
  if (n == 0)
    return;
  grow((void **)&p->body, &p->body_cap, p->body_len + n, 1);
  memcpy(p->body + p->body_len, data, n);
  p->body_len += n;
}

/* Feeds body bytes; true when the probe finished (and was freed). */
static bool feed_body(engine_t *e, probe_t *p, const char *data, size_t n) {
  if (p->body_mode == BM_EOF) {
    body_append(p, data, n);
    if (p->body_len >= MAX_BODY) {
      finish(e, p, R_BODY, p->status);
      return true;
    }
    return false;
  }
  if (p->body_mode == BM_LENGTH) {
    size_t take = n < p->remaining ? n : (size_t)p->remaining;
    body_append(p, data, take);
    p->remaining -= take;
    if (p->remaining == 0 || p->body_len >= MAX_BODY) {
      finish(e, p, R_BODY, p->status);
      return true;
    }
    return false;
  }
  for (size_t i = 0; i < n;) {
    char c = data[i];
    switch (p->chunk_state) {
    case CH_SIZE: {
      int v = hex_value(c);
      if (v >= 0) {
        if (p->remaining > (UINT64_MAX >> 4)) {
          finish(e, p, R_L7RSP_BODY, PE_INVALID_CHUNK_SIZE);
          return true;
        }
        p->remaining = p->remaining * 16 + (uint64_t)v;
        p->chunk_digits = true;
        i++;
        continue;
      }
      if (!p->chunk_digits || (c != ';' && c != ' ' && c != '\t' && c != '\r' && c != '\n')) {
        finish(e, p, R_L7RSP_BODY, PE_INVALID_CHUNK_SIZE);
        return true;
      }
      p->chunk_state = c == '\r' ? CH_SIZE_LF : c == '\n' ? CH_DATA : CH_EXT;
      i++;
      break;
    }
    case CH_EXT:
      i++;
      if (c == '\n')
        p->chunk_state = CH_DATA;
      break;
    case CH_SIZE_LF:
      if (c != '\n') {
        finish(e, p, R_L7RSP_BODY, PE_INVALID_CHUNK_SIZE);
        return true;
      }
      i++;
      p->chunk_state = CH_DATA;
      break;
    case CH_DATA: {
      size_t take = n - i < p->remaining ? n - i : (size_t)p->remaining;
      body_append(p, data + i, take);
      p->remaining -= take;
      i += take;
      if (p->body_len >= MAX_BODY) {
        finish(e, p, R_BODY, p->status);
        return true;
      }
      if (p->remaining == 0)
        p->chunk_state = CH_DATA_CR;
      break;
    }
    case CH_DATA_CR:
    case CH_DATA_LF:
      if (c == '\r' && p->chunk_state == CH_DATA_CR) {
        p->chunk_state = CH_DATA_LF;
      } else if (c == '\n') {
        p->chunk_state = CH_SIZE;
        p->chunk_digits = false;
        p->remaining = 0;
      } else {
        finish(e, p, R_L7RSP_BODY, PE_INVALID_CHUNK_SIZE);
        return true;
      }
      i++;
      break;
    }
    /* A chunk size line just ended: size 0 is the last chunk (trailers are not needed). */
    if (p->chunk_state == CH_DATA && p->remaining == 0 && p->chunk_digits) {
      finish(e, p, R_BODY, p->status);
      return true;
    }
  }
  return false;
}

/* Feeds received bytes; true when the probe finished (and was freed). */
static bool feed(engine_t *e, probe_t *p, const char *data, size_t n) {
  if (p->state == ST_BODY)
    return feed_body(e, p, data, n);
  size_t from = p->head_len > 3 ? p->head_len - 3 : 0;
  grow((void **)&p->head, &p->head_cap, p->head_len + n, 1);
  memcpy(p->head + p->head_len, data, n);
  p->head_len += n;
  for (;;) {
    size_t end = head_end(p->head, p->head_len, from);
    if (end == 0) {
      if (p->head_len > MAX_HEAD) {
        finish(e, p, R_L7RSP, PE_HEADER_OVERFLOW);
        return true;
      }
      return false;
    }
    if (end > MAX_HEAD) {
      finish(e, p, R_L7RSP, PE_HEADER_OVERFLOW);
      return true;
    }
    head_info h;
    int err = parse_head(p->head, end, &h);
    if (err) {
      finish(e, p, R_L7RSP, err);
      return true;
    }
    if (h.status >= 100 && h.status < 200 && h.status != 101) {
      /* An interim response (100 Continue, 103 Early Hints): the real one follows. */
      memmove(p->head, p->head + end, p->head_len - end);
      p->head_len -= end;
      from = 0;
      continue;
    }
    const spec_t *sp = p->spec;
    if (!status_accepted(sp, h.status)) {
      finish(e, p, R_L7STS, h.status);
      return true;
    }
    if (!(sp->flags & SPEC_BODY)) {
      finish(e, p, R_L7OK, h.status);
      return true;
    }
    p->status = h.status;
    bool none = (sp->flags & SPEC_HEAD) || h.status == 204 || h.status == 304 ||
                (!h.chunked && h.content_length == 0);
    if (none) {
      finish(e, p, R_BODY, h.status);
      return true;
    }
    p->state = ST_BODY;
    p->body_mode = h.chunked ? BM_CHUNKED : h.content_length >= 0 ? BM_LENGTH : BM_EOF;
    p->remaining = h.chunked ? 0 : (uint64_t)(h.content_length >= 0 ? h.content_length : 0);
    p->chunk_state = CH_SIZE;
    size_t rest = p->head_len - end;
    char *head = p->head;
    p->head = NULL;
    p->head_len = p->head_cap = 0;
    bool done = rest > 0 && feed_body(e, p, head + end, rest);
    free(head);
    return done;
  }
}

static void on_eof(engine_t *e, probe_t *p) {
  if (p->state == ST_BODY && p->body_mode == BM_EOF)
    finish(e, p, R_BODY, p->status);
  else if (p->state == ST_BODY)
    finish(e, p, R_L7RSP_BODY, ECONNRESET);
  else
    /* Node calls a connection closed before any answer "socket hang up", code ECONNRESET. */
    finish(e, p, R_L7RSP, ECONNRESET);
}

static void read_response(engine_t *e, probe_t *p) {
  for (;;) {
    ssize_t n = recv(p->fd, e->scratch, READ_CHUNK, 0);
    if (n > 0) {
      if (feed(e, p, e->scratch, (size_t)n))
        return;
      continue;
    }
    if (n == 0) {
      on_eof(e, p);
      return;
    }
    if (errno == EINTR)
      continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK)
      return;
    finish(e, p, p->state == ST_BODY ? R_L7RSP_BODY : R_L7RSP, errno);
    return;
  }
}

/* Writes what is left of the request; false when the probe finished or must wait. */
static bool send_request(engine_t *e, probe_t *p) {
  const spec_t *sp = p->spec;
  while (p->sent < sp->req_len) {
    ssize_t n = send(p->fd, sp->req + p->sent, sp->req_len - p->sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n >= 0) {
      p->sent += (size_t)n;
      continue;
    }
    if (errno == EINTR)
      continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK)
      finish(e, p, R_L7RSP, errno);
    return false;
  }
  p->state = ST_HEAD;
  return true;
}

static void on_event(engine_t *e, probe_t *p, uint32_t events) {
  if (p->state == ST_CONNECT) {
    if (events & (EPOLLERR | EPOLLHUP)) {
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len);
      finish(e, p, R_L4CON, err ? err : ECONNRESET);
      return;
    }
    if (!(events & EPOLLOUT))
      return;
    if (p->spec->kind == KIND_TCP) {
      finish(e, p, R_L4OK, 0);
      return;
    }
    p->state = ST_SEND;
  }
  if (p->state == ST_SEND && !send_request(e, p))
    return;
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
    read_response(e, p);
}


/* ------------------------------------------------------------------ ICMP */

static void out_of_memory(void) {
  fprintf(stderr, "vpp_maglev_native: probe engine out of memory\n");
  abort();
}

static uint64_t icmp_tag(icmp_sock_t *s) { return (uint64_t)(uintptr_t)s | 1u; }

/* Asks epoll for EPOLLOUT only while echo requests wait for room in the socket's buffer. */
static void icmp_want_out(engine_t *e, icmp_sock_t *s, bool want) {
  if (s->want_out == want)
    return;
  struct epoll_event ev = {.events = EPOLLIN | (want ? EPOLLOUT : 0), .data.u64 = icmp_tag(s)};
  if (epoll_ctl(e->ep, EPOLL_CTL_MOD, s->fd, &ev) == 0)
    s->want_out = want;
}

static void icmp_queue(icmp_sock_t *s, probe_t *p, bool front) {
  p->queued = true;
  if (front) {
    p->qprev = NULL;
    p->qnext = s->qhead;
    if (s->qhead)
      s->qhead->qprev = p;
    else
      s->qtail = p;
    s->qhead = p;
  } else {
    p->qnext = NULL;
    p->qprev = s->qtail;
    if (s->qtail)
      s->qtail->qnext = p;
    else
      s->qhead = p;
    s->qtail = p;
  }
}

static uint16_t random16(void) {
  uint16_t v;
  if (getrandom(&v, sizeof v, GRND_NONBLOCK) != (ssize_t)sizeof v)
    v = (uint16_t)(now_ns() ^ (uint64_t)getpid());
  return v;
}

/* A socket of this family and source with a sequence number free, opened when there is none. */
static icmp_sock_t *icmp_socket(engine_t *e, const spec_t *sp, int *code, int *err) {
  for (icmp_sock_t *s = e->icmp_socks; s; s = s->next) {
    if (s->family == sp->family && s->src_len == sp->src_len && s->nout < ICMP_SEQS &&
        (sp->src_len == 0 || memcmp(&s->src, &sp->src, sp->src_len) == 0))
      return s;
  }
  bool dgram, bind_failed;
  int fd = icmp_open(sp->family, &sp->src, sp->src_len, &dgram, &bind_failed);
  if (fd < 0) {
    *code = bind_failed ? R_ICMP_BIND : R_ICMP_SOCKET;
    *err = -fd;
    return NULL;
  }
  icmp_sock_t *s = calloc(1, sizeof *s);
  probe_t **out = calloc(ICMP_SEQS, sizeof *out);
  if (!s || !out)
    out_of_memory();
  s->family = sp->family;
  s->src = sp->src;
  s->src_len = sp->src_len;
  s->fd = fd;
  s->dgram = dgram;
  s->id = random16();
  s->next_seq = random16();
  s->out = out;
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = icmp_tag(s)};
  if (epoll_ctl(e->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
    *code = R_ICMP_SOCKET;
    *err = errno;
    close(fd);
    free(out);
    free(s);
    return NULL;
  }
  s->next = e->icmp_socks;
  e->icmp_socks = s;
  return s;
}

enum send_result { SENT, FULL, FAILED };

/* Sends a probe's echo request; FAILED when it could not be (the probe is finished). */
static enum send_result icmp_send(engine_t *e, probe_t *p) {
  icmp_sock_t *s = p->isock;
  const spec_t *sp = p->spec;
  uint8_t buf[ICMP_ECHO_LEN];
  icmp_echo_build(buf, s->family, s->dgram, s->id, p->icmp_seq);
  for (;;) {
    if (sendto(s->fd, buf, sizeof buf, MSG_DONTWAIT | MSG_NOSIGNAL, &sp->dst.sa, sp->dst_len) >= 0)
      return SENT;
    if (errno == EINTR)
      continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK)
      return FULL;
    finish(e, p, R_ICMP_SEND, errno);
    return FAILED;
  }
}

static void start_icmp(engine_t *e, probe_t *p) {
  p->state = ST_ICMP;
  int code = 0, err = 0;
  icmp_sock_t *s = icmp_socket(e, p->spec, &code, &err);
  if (!s) {
    finish(e, p, code, err);
    return;
  }
  /* Ends: the socket has a free number (nout < ICMP_SEQS). Numbers go round in order, so a
   * late reply to a probe that timed out meets its number's next probe only 65,536 later. */
  uint16_t seq = s->next_seq;
  while (s->out[seq])
    seq++;
  s->next_seq = (uint16_t)(seq + 1);
  s->out[seq] = p;
  s->nout++;
  p->isock = s;
  p->icmp_seq = seq;
  /* Requests go out in the order they were started. */
  if (s->qhead) {
    icmp_queue(s, p, false);
    return;
  }
  if (icmp_send(e, p) == FULL) {
    icmp_queue(s, p, false);
    icmp_want_out(e, s, true);
  }
}

/* Sends what waited for room in the socket's buffer. */
static void icmp_flush(engine_t *e, icmp_sock_t *s) {
  while (s->qhead) {
    probe_t *p = s->qhead;
    icmp_unqueue(s, p);
    if (icmp_send(e, p) == FULL) {
      icmp_queue(s, p, true);
      break;
    }
  }
  icmp_want_out(e, s, s->qhead != NULL);
}

/* Finishes the probe a reply or an error belongs to: same socket, identifier, number, peer. */
static void icmp_match(engine_t *e, icmp_sock_t *s, const icmp_msg *m) {
  if (m->kind == ICMP_NONE)
    return;
  probe_t *p = s->out[m->seq];
  /* A ping socket's identifier is the kernel's, and it hands the socket only its own replies. */
  if (!p || p->queued || (!s->dgram && m->id != s->id))
    return;
  const spec_t *sp = p->spec;
  if (sp->family == 6 ? memcmp(m->peer, &sp->dst.in6.sin6_addr, 16) != 0
                      : memcmp(m->peer, &sp->dst.in4.sin_addr, 4) != 0)
    return;
  if (m->kind == ICMP_REPLY) {
    finish(e, p, R_ICMP_REPLY, 0);
    return;
  }
  char text[INET6_ADDRSTRLEN + 1] = "";
  if (m->from.sa.sa_family == AF_INET6)
    uv_ip6_name(&m->from.in6, text, sizeof text);
  else if (m->from.sa.sa_family == AF_INET)
    uv_ip4_name(&m->from.in4, text, sizeof text);
  body_append(p, text, strlen(text));
  finish(e, p, R_ICMP_ERROR, m->type | m->code << 8);
}

/* At most this many datagrams per socket per wake-up; the rest wait for the next (epoll is
 * level-triggered for ICMP sockets), so one busy socket cannot hold up the loop. */
#define ICMP_READ_BUDGET 4096

static void icmp_event(engine_t *e, icmp_sock_t *s, uint32_t events) {
  icmp_msg m;
  if (events & EPOLLOUT)
    icmp_flush(e, s);
  if (events & EPOLLERR) {
    if (s->dgram) {
      for (int i = 0; i < ICMP_READ_BUDGET; i++) {
        int r = icmp_read_error(s->fd, s->family, &m);
        if (r == -EINTR)
          continue;
        if (r < 0)
          break;
        if (r > 0)
          icmp_match(e, s, &m);
      }
    } else {
      /* A raw socket reports nothing there that a probe could use; reading clears it. */
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len);
    }
  }
  if (!(events & EPOLLIN))
    return;
  for (int i = 0; i < ICMP_READ_BUDGET; i++) {
    sockaddr_any from;
    socklen_t from_len = sizeof from;
    memset(&from, 0, sizeof from);
    ssize_t n = recvfrom(s->fd, e->scratch, READ_CHUNK, MSG_DONTWAIT, &from.sa, &from_len);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      break;
    }
    icmp_parse(s->family, s->dgram, (const uint8_t *)e->scratch, (size_t)n, &from, &m);
    icmp_match(e, s, &m);
  }
}

static void icmp_close_all(engine_t *e) {
  icmp_sock_t *s = e->icmp_socks;
  e->icmp_socks = NULL;
  while (s) {
    icmp_sock_t *next = s->next;
    close(s->fd);
    free(s->out);
    free(s);
    s = next;
  }
}

/* ------------------------------------------------------------ on the loop */

static void expire(engine_t *e) {
  uint64_t now = now_ns();
  while (e->nheap > 0 && e->heap[0]->deadline_ns <= now) {
    probe_t *p = e->heap[0];
    finish(e, p, p->state == ST_CONNECT || p->state == ST_ICMP ? R_L4TOUT : R_L7TOUT, 0);
  }
}

static void on_timer(uv_timer_t *t);

/* Arms the timer for the next deadline, or at once when results wait for delivery. */
static void arm(engine_t *e) {
  if (e->closing)
    return;
  uint64_t at = e->npend ? 0 : e->nheap ? e->heap[0]->deadline_ns : UINT64_MAX;
  if (at == UINT64_MAX) {
    if (e->timer_at != UINT64_MAX)
      uv_timer_stop(&e->timer);
    e->timer_at = UINT64_MAX;
    return;
  }
  /* A timer armed earlier fires first and re-arms; only an earlier deadline moves it. */
  if (at >= e->timer_at)
    return;
  uint64_t now = now_ns();
  uint64_t ms = at <= now ? 0 : (at - now + 999999u) / 1000000u;
  uv_timer_start(&e->timer, on_timer, ms, 0);
  e->timer_at = at;
}

static void throw_errno_code(napi_env env, int err, const char *what) {
  char msg[160];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_throw_error(env, uv_err_name(-err), msg);
}

/* The reused records array, grown to hold n records; NULL when it cannot be. */
static napi_value records_array(engine_t *e, size_t n) {
  napi_env env = e->env;
  napi_value arr = NULL, ab;
  if (e->records && n <= e->records_cap) {
    if (napi_get_reference_value(env, e->records, &arr) == napi_ok && arr)
      return arr;
  }
  size_t cap = e->records_cap ? e->records_cap : 256;
  while (cap < n)
    cap *= 2;
  void *mem = NULL;
  if (napi_create_arraybuffer(env, cap * sizeof(record_t), &mem, &ab) != napi_ok ||
      napi_create_typedarray(env, napi_int32_array, cap * RECORD_INTS, ab, 0, &arr) != napi_ok)
    return NULL;
  if (e->records)
    napi_delete_reference(env, e->records);
  e->records = NULL;
  if (napi_create_reference(env, arr, 1, &e->records) != napi_ok)
    return NULL;
  e->records_mem = mem;
  e->records_cap = cap;
  return arr;
}

/* Hands the finished probes to JS: one call for all of them, microtasks run after it. */
static void deliver(engine_t *e) {
  if (e->npend == 0 || e->closing)
    return;
  napi_env env = e->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok)
    return;
  napi_value cb, global, arr, count, buf, argv[3];
  size_t n = e->npend, nbody = e->npendbody;
  napi_get_undefined(env, &argv[2]);
  napi_get_global(env, &global);
  bool ok = napi_get_reference_value(env, e->callback, &cb) == napi_ok && cb &&
            (arr = records_array(e, n)) != NULL && napi_create_uint32(env, (uint32_t)n, &count) == napi_ok;
  if (ok) {
    memcpy(e->records_mem, e->pend, n * sizeof *e->pend);
    if (nbody && napi_create_buffer_copy(env, nbody, e->pendbody, NULL, &buf) == napi_ok)
      argv[2] = buf;
  }
  /* Emptied before JS runs: what JS starts meanwhile may finish at once and queue anew. */
  e->npend = 0;
  e->npendbody = 0;
  if (ok) {
    argv[0] = arr;
    argv[1] = count;
    if (napi_make_callback(env, e->async, global, cb, 3, argv, NULL) == napi_pending_exception) {
      napi_value err;
      napi_get_and_clear_last_exception(env, &err);
      napi_fatal_exception(env, err);
    }
  }
  napi_close_handle_scope(env, scope);
}

static void on_timer(uv_timer_t *t) {
  engine_t *e = t->data;
  e->timer_at = UINT64_MAX;
  expire(e);
  deliver(e);
  arm(e);
}

static void on_poll(uv_poll_t *handle, int status, int events) {
  (void)status;
  (void)events;
  engine_t *e = handle->data;
  struct epoll_event evs[MAX_EVENTS];
  int n;
  do {
    n = epoll_wait(e->ep, evs, MAX_EVENTS, 0);
    for (int i = 0; i < n; i++) {
      /* ICMP sockets are tagged in the low bit; probes' own sockets carry the probe. */
      if (evs[i].data.u64 & 1u)
        icmp_event(e, (icmp_sock_t *)(uintptr_t)(evs[i].data.u64 & ~(uint64_t)1), evs[i].events);
      else
        on_event(e, evs[i].data.ptr, evs[i].events);
    }
  } while (n == MAX_EVENTS);
  expire(e);
  deliver(e);
  arm(e);
}

/* ------------------------------------------------------------- JS side */

static void engine_free(engine_t *e) {
  close(e->ep);
  for (size_t i = 0; i < e->usedspecs; i++) {
    if (e->specs[i])
      spec_unref(e->specs[i]);
  }
  free(e->specs);
  free(e->freespecs);
  for (size_t i = 0; i < e->nspare; i++)
    free(e->spare[i]);
  free(e->spare);
  free(e->slots);
  free(e->heap);
  free(e->pend);
  free(e->pendbody);
  free(e->scratch);
  free(e);
}

static void on_handle_closed(uv_handle_t *h) {
  engine_t *e = h->data;
  if (--e->open_handles == 0)
    engine_free(e);
}

static void engine_stop(engine_box *box) {
  engine_t *e = box->e;
  if (!e)
    return;
  box->e = NULL;
  e->closing = true;
  while (e->nheap > 0)
    free_probe(e, e->heap[0]);
  icmp_close_all(e);
  napi_delete_reference(e->env, e->callback);
  if (e->records)
    napi_delete_reference(e->env, e->records);
  e->records = NULL;
  napi_async_destroy(e->env, e->async);
  uv_close((uv_handle_t *)&e->poll, on_handle_closed);
  uv_close((uv_handle_t *)&e->timer, on_handle_closed);
}

static void engine_cleanup_hook(void *arg) {
  engine_box *box = arg;
  box->hooked = false;
  engine_stop(box);
}

static void engine_box_unref(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  engine_box *box = data;
  if (--box->refs > 0)
    return;
  if (box->hooked)
    napi_remove_env_cleanup_hook(box->env, engine_cleanup_hook, box);
  engine_stop(box);
  free(box);
}

/* The engine a bound function belongs to, when it is still open. */
static engine_t *bound_engine(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv) {
  void *data = NULL;
  if (napi_get_cb_info(env, info, argc, argv, NULL, &data) != napi_ok || !data)
    return NULL;
  return ((engine_box *)data)->e;
}

static napi_value engine_start_batch(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  uint32_t count;
  napi_typedarray_type type;
  size_t length = 0;
  void *data = NULL;
  engine_t *e = bound_engine(env, info, &argc, argv);
  if (!e) {
    napi_throw_error(env, "ERR_PROBE_ENGINE_CLOSED", "probe engine is closed");
    return NULL;
  }
  if (argc < 2 || napi_get_typedarray_info(env, argv[0], &type, &length, &data, NULL, NULL) != napi_ok ||
      type != napi_int32_array || napi_get_value_uint32(env, argv[1], &count) != napi_ok ||
      (size_t)count * 3 > length) {
    napi_throw_type_error(env, NULL, "startBatch(ints, count): an Int32Array of count (slot, seq, id) triples");
    return NULL;
  }
  const int32_t *t = data;
  for (uint32_t i = 0; i < count; i++, t += 3) {
    uint32_t slot = (uint32_t)t[0], seq = (uint32_t)t[1], id = (uint32_t)t[2];
    spec_t *sp = id < e->usedspecs ? e->specs[id] : NULL;
    /* JS checks both before it asks; a failure here is a bug there, and loud. */
    if (!sp || (slot < e->nslots && e->slots[slot])) {
      napi_throw_error(env, "ERR_PROBE_ENGINE_START", "startBatch: unknown target or slot in use");
      break;
    }
    atomic_fetch_add(&sp->refs, 1);
    start_probe(e, slot, seq, sp);
  }
  arm(e);
  return NULL;
}

static napi_value engine_cancel(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  uint32_t slot, seq;
  /* A closed engine has nothing left to cancel. */
  engine_t *e = bound_engine(env, info, &argc, argv);
  if (!e)
    return NULL;
  if (argc < 2 || napi_get_value_uint32(env, argv[0], &slot) != napi_ok ||
      napi_get_value_uint32(env, argv[1], &seq) != napi_ok) {
    napi_throw_type_error(env, NULL, "cancel(slot, seq): slot and seq are numbers");
    return NULL;
  }
  probe_t *p = slot < e->nslots ? e->slots[slot] : NULL;
  if (p && p->seq == seq)
    free_probe(e, p);
  return NULL;
}

static napi_value engine_ref(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  bool ref = false;
  void *data = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, &data) != napi_ok || argc < 1 ||
      napi_get_value_bool(env, argv[0], &ref) != napi_ok) {
    napi_throw_type_error(env, NULL, "ref(ref) needs a boolean");
    return NULL;
  }
  engine_box *box = data;
  if (!box || !box->e || box->refd == ref)
    return NULL;
  box->refd = ref;
  if (ref) {
    uv_ref((uv_handle_t *)&box->e->poll);
    uv_ref((uv_handle_t *)&box->e->timer);
  } else {
    uv_unref((uv_handle_t *)&box->e->poll);
    uv_unref((uv_handle_t *)&box->e->timer);
  }
  return NULL;
}

static napi_value engine_close(napi_env env, napi_callback_info info) {
  void *data = NULL;
  size_t argc = 0;
  if (napi_get_cb_info(env, info, &argc, NULL, NULL, &data) == napi_ok && data)
    engine_stop(data);
  return NULL;
}

static napi_value engine_prepare(napi_env env, napi_callback_info info);
static napi_value engine_release(napi_env env, napi_callback_info info);

/* The object JS gets: functions bound to the box, each holding it. */
static napi_value engine_object(napi_env env, engine_box *box) {
  static const struct {
    const char *name;
    napi_callback cb;
  } fns[] = {{"prepare", engine_prepare}, {"release", engine_release}, {"startBatch", engine_start_batch},
             {"cancel", engine_cancel},   {"ref", engine_ref},         {"close", engine_close}};
  napi_value obj, fn;
  if (napi_create_object(env, &obj) != napi_ok)
    return NULL;
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    if (napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].cb, box, &fn) != napi_ok ||
        napi_add_finalizer(env, fn, box, engine_box_unref, NULL, NULL) != napi_ok)
      return NULL;
    box->refs++;
    if (napi_set_named_property(env, obj, fns[i].name, fn) != napi_ok)
      return NULL;
  }
  if (napi_add_finalizer(env, obj, box, engine_box_unref, NULL, NULL) != napi_ok)
    return NULL;
  box->refs++;
  return obj;
}

static napi_value engine_create(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], name, result;
  napi_valuetype type;
  uv_loop_t *loop = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_typeof(env, argv[0], &type) != napi_ok || type != napi_function) {
    napi_throw_type_error(env, NULL, "probeEngineCreate(onResults) needs a function");
    return NULL;
  }
  if (napi_get_uv_event_loop(env, &loop) != napi_ok) {
    napi_throw_error(env, NULL, "probe engine: no event loop");
    return NULL;
  }
  engine_t *e = calloc(1, sizeof *e);
  engine_box *box = calloc(1, sizeof *box);
  char *scratch = malloc(READ_CHUNK);
  int ep = epoll_create1(EPOLL_CLOEXEC);
  if (!e || !box || !scratch || ep < 0) {
    int err = ep < 0 ? errno : ENOMEM;
    if (ep >= 0)
      close(ep);
    free(e);
    free(box);
    free(scratch);
    throw_errno_code(env, err, "probe engine");
    return NULL;
  }
  e->env = env;
  e->ep = ep;
  e->scratch = scratch;
  e->timer_at = UINT64_MAX;
  napi_create_string_utf8(env, "vpp_maglev_native.probeEngine", NAPI_AUTO_LENGTH, &name);
  bool referenced = napi_create_reference(env, argv[0], 1, &e->callback) == napi_ok;
  bool async = referenced && napi_async_init(env, NULL, name, &e->async) == napi_ok;
  /* uv_poll_init fails for a bad fd only, uv_timer_init never: nothing is left in the loop. */
  if (!async || uv_poll_init(loop, &e->poll, ep) != 0) {
    if (async)
      napi_async_destroy(env, e->async);
    if (referenced)
      napi_delete_reference(env, e->callback);
    engine_free(e);
    free(box);
    napi_throw_error(env, NULL, "probe engine: cannot set it up on the event loop");
    return NULL;
  }
  uv_timer_init(loop, &e->timer);
  e->poll.data = e;
  e->timer.data = e;
  e->open_handles = 2;
  uv_poll_start(&e->poll, UV_READABLE, on_poll);
  /* Idle, the engine must not keep the process alive; JS refs it while probes run. */
  uv_unref((uv_handle_t *)&e->poll);
  uv_unref((uv_handle_t *)&e->timer);
  box->e = e;
  box->env = env;
  if (napi_add_env_cleanup_hook(env, engine_cleanup_hook, box) == napi_ok)
    box->hooked = true;
  result = engine_object(env, box);
  if (!result) {
    /* Whatever was made will be finalized; the box goes with the last of it. */
    engine_stop(box);
    if (box->refs == 0) {
      if (box->hooked)
        napi_remove_env_cleanup_hook(env, engine_cleanup_hook, box);
      free(box);
    }
    napi_throw_error(env, NULL, "probe engine: cannot make its object");
    return NULL;
  }
  return result;
}

static bool get_string(napi_env env, napi_value v, char *out, size_t size) {
  size_t len = 0;
  return napi_get_value_string_utf8(env, v, out, size, &len) == napi_ok && len + 1 < size;
}

/* Parses an address (IPv6 with an optional %zone) and port for `family`. */
static bool parse_address(const char *text, int family, uint32_t port, sockaddr_any *out, socklen_t *len) {
  memset(out, 0, sizeof *out);
  if (family == 4) {
    *len = sizeof out->in4;
    return uv_ip4_addr(text, (int)port, &out->in4) == 0;
  }
  *len = sizeof out->in6;
  return uv_ip6_addr(text, (int)port, &out->in6) == 0;
}

static napi_value engine_prepare(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value argv[9], result;
  uint32_t kind, family, port, timeout, flags;
  char address[INET6_ADDRSTRLEN + 64], source[INET6_ADDRSTRLEN + 64];
  napi_valuetype source_type;
  engine_t *e = bound_engine(env, info, &argc, argv);
  if (!e) {
    napi_throw_error(env, "ERR_PROBE_ENGINE_CLOSED", "probe engine is closed");
    return NULL;
  }
  if (argc < 9) {
    napi_throw_type_error(env, NULL, "prepare needs 9 arguments");
    return NULL;
  }
  if (napi_get_value_uint32(env, argv[0], &kind) != napi_ok || kind > KIND_ICMP ||
      napi_get_value_uint32(env, argv[1], &family) != napi_ok || (family != 4 && family != 6) ||
      napi_get_value_uint32(env, argv[3], &port) != napi_ok || port > 65535 ||
      napi_get_value_uint32(env, argv[5], &timeout) != napi_ok ||
      napi_get_value_uint32(env, argv[8], &flags) != napi_ok) {
    napi_throw_type_error(env, NULL, "prepare: kind, family, port, timeout and flags are numbers");
    return NULL;
  }
  spec_t *sp = calloc(1, sizeof *sp);
  if (!sp) {
    throw_errno_code(env, ENOMEM, "prepare");
    return NULL;
  }
  atomic_init(&sp->refs, 1);
  sp->kind = (uint8_t)kind;
  sp->flags = (uint8_t)flags;
  sp->family = (int)family;
  sp->timeout_ms = timeout;
  if (!get_string(env, argv[2], address, sizeof address) ||
      !parse_address(address, sp->family, port, &sp->dst, &sp->dst_len)) {
    spec_unref(sp);
    napi_throw_type_error(env, NULL, "prepare: not an address of the given family");
    return NULL;
  }
  napi_typeof(env, argv[4], &source_type);
  if (source_type == napi_string) {
    if (!get_string(env, argv[4], source, sizeof source) ||
        !parse_address(source, sp->family, 0, &sp->src, &sp->src_len)) {
      spec_unref(sp);
      napi_throw_type_error(env, NULL, "prepare: the source is not an address of the given family");
      return NULL;
    }
  }
  bool is_buffer = false, is_typed = false;
  napi_is_buffer(env, argv[6], &is_buffer);
  if (is_buffer) {
    void *data = NULL;
    size_t len = 0;
    napi_get_buffer_info(env, argv[6], &data, &len);
    sp->req = malloc(len ? len : 1);
    if (!sp->req) {
      spec_unref(sp);
      throw_errno_code(env, ENOMEM, "prepare");
      return NULL;
    }
    memcpy(sp->req, data, len);
    sp->req_len = len;
  }
  napi_is_typedarray(env, argv[7], &is_typed);
  if (is_typed) {
    napi_typedarray_type type;
    size_t length = 0;
    void *data = NULL;
    napi_get_typedarray_info(env, argv[7], &type, &length, &data, NULL, NULL);
    if (type != napi_int32_array || length % 2 != 0) {
      spec_unref(sp);
      napi_throw_type_error(env, NULL, "prepare: ranges is an Int32Array of from, to pairs");
      return NULL;
    }
    sp->ranges = malloc(length ? length * sizeof(int32_t) : 1);
    if (!sp->ranges) {
      spec_unref(sp);
      throw_errno_code(env, ENOMEM, "prepare");
      return NULL;
    }
    memcpy(sp->ranges, data, length * sizeof(int32_t));
    sp->nranges = (uint32_t)(length / 2);
  }
  if (sp->kind == KIND_HTTP && !sp->req_len) {
    spec_unref(sp);
    napi_throw_type_error(env, NULL, "prepare: an HTTP probe needs its request");
    return NULL;
  }
  uint32_t id;
  if (e->nfreespecs) {
    id = e->freespecs[--e->nfreespecs];
  } else {
    grow((void **)&e->specs, &e->capspecs, e->usedspecs + 1, sizeof *e->specs);
    id = (uint32_t)e->usedspecs++;
  }
  e->specs[id] = sp;
  napi_create_uint32(env, id, &result);
  return result;
}

static napi_value engine_release(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  uint32_t id;
  engine_t *e = bound_engine(env, info, &argc, argv);
  if (!e)
    return NULL; /* a closed engine has released everything */
  if (argc < 1 || napi_get_value_uint32(env, argv[0], &id) != napi_ok || id >= e->usedspecs || !e->specs[id]) {
    napi_throw_type_error(env, NULL, "release(id): not a prepared target");
    return NULL;
  }
  spec_unref(e->specs[id]);
  e->specs[id] = NULL;
  grow((void **)&e->freespecs, &e->capfreespecs, e->nfreespecs + 1, sizeof *e->freespecs);
  e->freespecs[e->nfreespecs++] = id;
  return NULL;
}

napi_status probe_engine_init(napi_env env, napi_value exports) {
  napi_property_descriptor fns[] = {
      {"probeEngineCreate", NULL, engine_create, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  return napi_define_properties(env, exports, sizeof fns / sizeof fns[0], fns);
}
