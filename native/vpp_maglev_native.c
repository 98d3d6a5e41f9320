/*
 * vpp_maglev_native: the few system calls Node cannot make on its own, and the
 * health checker's probe engine (probe_engine.c, which explains itself).
 *
 * VPP hands out its stats segment as a memfd passed with SCM_RIGHTS over a
 * SOCK_SEQPACKET unix socket. Node's net module supports neither, so this
 * file offers exactly three things:
 *
 *   recvFd(path, timeoutMs) -> Promise<fd>   client side, in the thread pool
 *   serveFd(path, fd)       -> FdServer      server side, on Node's loop
 *   memfdCreate(name)       -> fd            backing store for a test segment
 *
 * Everything else (reading the segment, decoding it) stays in TypeScript.
 * Linux only: memfd_create, accept4 and SOCK_CLOEXEC are Linux interfaces,
 * as is VPP itself.
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8

#include <errno.h>
#include <fcntl.h>
#include <node_api.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>
#include <uv.h>

#include "probe_engine.h"

/* Room for the fd we expect plus a few a misbehaving peer might add: extra
 * ones are closed rather than leaked. */
#define MAX_RECV_FDS 8
#define SUN_PATH_MAX (sizeof(((struct sockaddr_un *)0)->sun_path))

#define NAPI_OK(env, call)                                                     \
  do {                                                                         \
    if ((call) != napi_ok) {                                                   \
      throw_last_napi_error(env);                                              \
      return NULL;                                                             \
    }                                                                          \
  } while (0)

static void throw_last_napi_error(napi_env env) {
  const napi_extended_error_info *info = NULL;
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (pending)
    return;
  napi_get_last_error_info(env, &info);
  napi_throw_error(env, NULL,
                   info && info->error_message ? info->error_message
                                               : "N-API call failed");
}

/* An Error shaped like Node's own system errors: code, errno, syscall, path. */
static napi_value make_errno_error(napi_env env, int err, const char *syscall,
                                   const char *path) {
  char msg[SUN_PATH_MAX + 128];
  const char *code = uv_err_name(-err);
  snprintf(msg, sizeof msg, "%s %s: %s (%s)", syscall, path ? path : "",
           strerror(err), code);
  napi_value js_msg, js_code, error, value;
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &js_msg);
  napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &js_code);
  napi_create_error(env, js_code, js_msg, &error);
  napi_set_named_property(env, error, "code", js_code);
  napi_create_int32(env, -err, &value);
  napi_set_named_property(env, error, "errno", value);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &value);
  napi_set_named_property(env, error, "syscall", value);
  if (path) {
    napi_create_string_utf8(env, path, NAPI_AUTO_LENGTH, &value);
    napi_set_named_property(env, error, "path", value);
  }
  return error;
}

static void throw_errno(napi_env env, int err, const char *syscall,
                        const char *path) {
  napi_throw(env, make_errno_error(env, err, syscall, path));
}

/* Reads a socket path argument; throws and returns false when it is not a
 * string or does not fit in sockaddr_un. */
static bool get_socket_path(napi_env env, napi_value value,
                            char out[SUN_PATH_MAX]) {
  size_t len = 0;
  if (napi_get_value_string_utf8(env, value, NULL, 0, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "socket path must be a string");
    return false;
  }
  if (len == 0) {
    napi_throw_type_error(env, NULL, "socket path must not be empty");
    return false;
  }
  if (len >= SUN_PATH_MAX) {
    throw_errno(env, ENAMETOOLONG, "socket", NULL);
    return false;
  }
  napi_get_value_string_utf8(env, value, out, SUN_PATH_MAX, &len);
  if (strlen(out) != len) {
    napi_throw_type_error(env, NULL, "socket path must not contain NUL");
    return false;
  }
  return true;
}

static void fill_sockaddr(struct sockaddr_un *sa, const char *path) {
  memset(sa, 0, sizeof *sa);
  sa->sun_family = AF_UNIX;
  memcpy(sa->sun_path, path, strlen(path) + 1);
}

/* ---------------------------------------------------------------- recvFd */

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  char path[SUN_PATH_MAX];
  uint32_t timeout_ms;
  int fd;
  int err;
  const char *syscall;
} recv_fd_req;

/* Runs in the thread pool. connect() and recvmsg() are bounded by the socket
 * timeouts, so a VPP that never answers cannot pin a pool thread forever. */
static void recv_fd_execute(napi_env env, void *data) {
  (void)env;
  recv_fd_req *req = data;
  struct sockaddr_un sa;
  req->fd = -1;

  int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (s < 0) {
    req->err = errno;
    req->syscall = "socket";
    return;
  }
  struct timeval tv = {.tv_sec = req->timeout_ms / 1000,
                       .tv_usec = (req->timeout_ms % 1000) * 1000};
  setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);

  fill_sockaddr(&sa, req->path);
  if (connect(s, (struct sockaddr *)&sa, sizeof sa) < 0) {
    req->err = errno == EAGAIN || errno == EINPROGRESS ? ETIMEDOUT : errno;
    req->syscall = "connect";
    close(s);
    return;
  }

  char byte;
  struct iovec iov = {.iov_base = &byte, .iov_len = sizeof byte};
  union {
    char buf[CMSG_SPACE(sizeof(int) * MAX_RECV_FDS)];
    struct cmsghdr align;
  } control;
  struct msghdr msg;
  ssize_t n;
  do {
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.buf;
    msg.msg_controllen = sizeof control.buf;
    n = recvmsg(s, &msg, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    req->err = errno == EAGAIN || errno == EWOULDBLOCK ? ETIMEDOUT : errno;
    req->syscall = "recvmsg";
    close(s);
    return;
  }

  for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
      continue;
    size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < count; i++) {
      int fd;
      memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
      if (req->fd < 0)
        req->fd = fd;
      else
        close(fd);
    }
  }
  close(s);
  if (req->fd < 0) {
    /* The peer closed, or sent a message without a descriptor: not a stats
     * socket, or one that truncated our control buffer. */
    req->err = EPROTO;
    req->syscall = "recvmsg";
  }
}

static void recv_fd_complete(napi_env env, napi_status status, void *data) {
  recv_fd_req *req = data;
  napi_value result;
  if (status == napi_ok && req->err == 0) {
    napi_create_int32(env, req->fd, &result);
    napi_resolve_deferred(env, req->deferred, result);
  } else {
    int err = status == napi_cancelled ? ECANCELED : req->err;
    napi_reject_deferred(
        env, req->deferred,
        make_errno_error(env, err, req->syscall ? req->syscall : "recvmsg",
                         req->path));
  }
  napi_delete_async_work(env, req->work);
  free(req);
}

static napi_value recv_fd(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], promise, name;
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2) {
    napi_throw_type_error(env, NULL, "recvFd(path, timeoutMs) needs 2 arguments");
    return NULL;
  }
  recv_fd_req *req = calloc(1, sizeof *req);
  if (!req) {
    throw_errno(env, ENOMEM, "calloc", NULL);
    return NULL;
  }
  if (!get_socket_path(env, argv[0], req->path) ||
      napi_get_value_uint32(env, argv[1], &req->timeout_ms) != napi_ok) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (!pending)
      napi_throw_type_error(env, NULL, "timeoutMs must be a number");
    free(req);
    return NULL;
  }
  if (req->timeout_ms == 0)
    req->timeout_ms = 1;
  if (napi_create_promise(env, &req->deferred, &promise) != napi_ok ||
      napi_create_string_utf8(env, "vpp_maglev_native.recvFd", NAPI_AUTO_LENGTH,
                              &name) != napi_ok ||
      napi_create_async_work(env, NULL, name, recv_fd_execute, recv_fd_complete,
                             req, &req->work) != napi_ok ||
      napi_queue_async_work(env, req->work) != napi_ok) {
    free(req);
    throw_last_napi_error(env);
    return NULL;
  }
  return promise;
}

/* --------------------------------------------------------------- serveFd */

/* The listening socket lives on Node's own loop through a uv poll handle:
 * accepting and answering a client takes two non-blocking system calls, so
 * nothing ever blocks the event loop and no thread is needed. */
typedef struct {
  uv_poll_t poll;
  int listen_fd;
  int send_fd;
  double served;
} fd_server;

/* What the JS object owns. The server outlives close() only until libuv's
 * close callback; the box lives until the JS object is collected. */
typedef struct {
  fd_server *server;
  double served; /* what the server had served when it was closed */
} fd_server_box;

static void send_one_fd(int sock, int fd) {
  /* VPP sends an empty message that carries only the descriptor. */
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control;
  struct iovec iov = {.iov_base = NULL, .iov_len = 0};
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  memset(&control, 0, sizeof control);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.buf;
  msg.msg_controllen = sizeof control.buf;
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof fd);
  /* A fresh connection has an empty send buffer; a failure means the client
   * already went away, which is its own business. */
  while (sendmsg(sock, &msg, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 && errno == EINTR)
    ;
}

static void on_listen_readable(uv_poll_t *handle, int status, int events) {
  (void)events;
  fd_server *srv = handle->data;
  if (status < 0)
    return;
  /* Bounded so a flood of clients cannot monopolise one loop turn. */
  for (int i = 0; i < 64; i++) {
    int c = accept4(srv->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (c < 0) {
      if (errno == EINTR || errno == ECONNABORTED)
        continue;
      return;
    }
    send_one_fd(c, srv->send_fd);
    close(c);
    srv->served++;
  }
}

static void on_poll_closed(uv_handle_t *handle) { free(handle->data); }

static void fd_server_stop(fd_server_box *box) {
  fd_server *srv = box->server;
  if (!srv)
    return;
  box->server = NULL;
  box->served = srv->served;
  /* uv_close drops the fd from the loop's poll set before we close it. */
  uv_close((uv_handle_t *)&srv->poll, on_poll_closed);
  close(srv->listen_fd);
  close(srv->send_fd);
}

static void fd_server_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  fd_server_box *box = data;
  fd_server_stop(box);
  free(box);
}

static fd_server_box *unwrap_server(napi_env env, napi_callback_info info) {
  napi_value self;
  void *box = NULL;
  size_t argc = 0;
  if (napi_get_cb_info(env, info, &argc, NULL, &self, NULL) != napi_ok ||
      napi_unwrap(env, self, &box) != napi_ok || !box) {
    napi_throw_type_error(env, NULL, "not an FdServer");
    return NULL;
  }
  return box;
}

static napi_value fd_server_close(napi_env env, napi_callback_info info) {
  fd_server_box *box = unwrap_server(env, info);
  if (box)
    fd_server_stop(box);
  return NULL;
}

static napi_value fd_server_served(napi_env env, napi_callback_info info) {
  fd_server_box *box = unwrap_server(env, info);
  if (!box)
    return NULL;
  napi_value result;
  NAPI_OK(env, napi_create_double(env, box->server ? box->server->served : box->served,
                                  &result));
  return result;
}

/* Only serveFd() may construct an FdServer: it passes this token. */
static const char construct_token = 0;

static napi_value fd_server_constructor(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg, self;
  void *token = NULL;
  napi_valuetype type = napi_undefined;
  if (napi_get_cb_info(env, info, &argc, &arg, &self, NULL) != napi_ok ||
      argc != 1 || napi_typeof(env, arg, &type) != napi_ok ||
      type != napi_external ||
      napi_get_value_external(env, arg, &token) != napi_ok ||
      token != &construct_token) {
    napi_throw_type_error(env, NULL, "FdServer is created by serveFd()");
    return NULL;
  }
  return self;
}

static napi_value new_fd_server_object(napi_env env) {
  napi_ref *cls_ref = NULL;
  napi_value cls = NULL, token, obj;
  if (napi_get_instance_data(env, (void **)&cls_ref) != napi_ok || !cls_ref ||
      napi_get_reference_value(env, *cls_ref, &cls) != napi_ok || !cls) {
    napi_throw_error(env, NULL, "FdServer class is not registered");
    return NULL;
  }
  NAPI_OK(env, napi_create_external(env, (void *)&construct_token, NULL, NULL,
                                    &token));
  NAPI_OK(env, napi_new_instance(env, cls, 1, &token, &obj));
  return obj;
}

static napi_value serve_fd(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  char path[SUN_PATH_MAX];
  int32_t fd = -1;

  NAPI_OK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2) {
    napi_throw_type_error(env, NULL, "serveFd(path, fd) needs 2 arguments");
    return NULL;
  }
  if (!get_socket_path(env, argv[0], path))
    return NULL;
  if (napi_get_value_int32(env, argv[1], &fd) != napi_ok || fd < 0) {
    napi_throw_type_error(env, NULL, "fd must be a non-negative integer");
    return NULL;
  }
  /* Everything that can fail in JS land happens before a socket exists. */
  napi_value obj = new_fd_server_object(env);
  uv_loop_t *loop = NULL;
  if (!obj)
    return NULL;
  NAPI_OK(env, napi_get_uv_event_loop(env, &loop));
  fd_server_box *box = calloc(1, sizeof *box);
  if (!box) {
    throw_errno(env, ENOMEM, "calloc", NULL);
    return NULL;
  }
  if (napi_wrap(env, obj, box, fd_server_finalize, NULL, NULL) != napi_ok) {
    free(box);
    throw_last_napi_error(env);
    return NULL;
  }

  /* Our own copy, so the caller may close theirs whenever it likes. */
  int send_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (send_fd < 0) {
    throw_errno(env, errno, "dup", NULL);
    return NULL;
  }
  int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (s < 0) {
    int err = errno;
    close(send_fd);
    throw_errno(env, err, "socket", path);
    return NULL;
  }
  struct sockaddr_un sa;
  fill_sockaddr(&sa, path);
  if (bind(s, (struct sockaddr *)&sa, sizeof sa) < 0) {
    int err = errno;
    close(s);
    close(send_fd);
    throw_errno(env, err, "bind", path);
    return NULL;
  }
  if (listen(s, 64) < 0) {
    int err = errno;
    close(s);
    close(send_fd);
    unlink(path);
    throw_errno(env, err, "listen", path);
    return NULL;
  }
  fd_server *srv = calloc(1, sizeof *srv);
  if (!srv || uv_poll_init(loop, &srv->poll, s) != 0) {
    free(srv);
    close(s);
    close(send_fd);
    unlink(path);
    throw_errno(env, ENOMEM, "uv_poll_init", path);
    return NULL;
  }
  srv->poll.data = srv;
  srv->listen_fd = s;
  srv->send_fd = send_fd;
  box->server = srv;
  uv_poll_start(&srv->poll, UV_READABLE, on_listen_readable);
  return obj;
}

/* ----------------------------------------------------------- memfdCreate */

static napi_value memfd_create_js(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], result;
  char name[250];
  size_t len = 0;
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || napi_get_value_string_utf8(env, argv[0], name, sizeof name,
                                             &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "memfdCreate(name) needs a string");
    return NULL;
  }
  int fd = memfd_create(name, MFD_CLOEXEC);
  if (fd < 0) {
    throw_errno(env, errno, "memfd_create", NULL);
    return NULL;
  }
  NAPI_OK(env, napi_create_int32(env, fd, &result));
  return result;
}

/* ------------------------------------------------------------------ init */

static void delete_class_ref(napi_env env, void *data, void *hint) {
  (void)hint;
  napi_ref *ref = data;
  napi_delete_reference(env, *ref);
  free(ref);
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor methods[] = {
      {"close", NULL, fd_server_close, NULL, NULL, NULL, napi_default, NULL},
      {"served", NULL, fd_server_served, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_value cls;
  NAPI_OK(env, napi_define_class(env, "FdServer", NAPI_AUTO_LENGTH,
                                 fd_server_constructor, NULL, 2, methods, &cls));
  napi_ref *ref = malloc(sizeof *ref);
  if (!ref) {
    throw_errno(env, ENOMEM, "malloc", NULL);
    return NULL;
  }
  NAPI_OK(env, napi_create_reference(env, cls, 1, ref));
  NAPI_OK(env, napi_set_instance_data(env, ref, delete_class_ref, NULL));

  napi_property_descriptor fns[] = {
      {"recvFd", NULL, recv_fd, NULL, NULL, NULL, napi_enumerable, NULL},
      {"serveFd", NULL, serve_fd, NULL, NULL, NULL, napi_enumerable, NULL},
      {"memfdCreate", NULL, memfd_create_js, NULL, NULL, NULL, napi_enumerable,
       NULL},
      {"FdServer", NULL, NULL, NULL, NULL, cls, napi_enumerable, NULL},
  };
  NAPI_OK(env, napi_define_properties(env, exports, 4, fns));
  NAPI_OK(env, probe_engine_init(env, exports));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
