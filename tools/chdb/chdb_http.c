/*
 * chdb_http: a test-only ClickHouse HTTP interface served from chDB (libchdb.so), for Viewpulse's tests.
 *
 * It serves exactly what the official Java client (com.clickhouse:client-v2) needs, and refuses what it does not
 * implement with a ClickHouse-style error rather than answering something the client would misread. What it covers,
 * and what it does not, is in tools/chdb/README.md; keep the two in step.
 *
 * Contract:
 *  - Listens on 127.0.0.1 only. Prints "listening on 127.0.0.1:<port>" on stdout once it accepts connections
 *    (port 0 asks the kernel for a free one), then nothing more on stdout; the request log goes to stderr.
 *  - Every request runs on a chDB connection of its own, opened for that request and closed after it: settings,
 *    USE and SET never outlive the request (as on ClickHouse's HTTP interface without a session), and requests on
 *    different HTTP connections run concurrently in the engine. A base connection stays open for the process's
 *    lifetime, so the engine boots once.
 *  - A request is authenticated against --user and the password in the environment variable CHDB_HTTP_PASSWORD
 *    (never on the command line, where any local user could read it; never logged).
 *  - Inserts with data (INSERT ... FORMAT x / VALUES) go through chDB's streaming insert, fed from the request body
 *    as it arrives, never buffered whole. Never send inline INSERT data through chdb_query_n: it splits its text
 *    like clickhouse-client's multi-query input, which ends the data at its first newline byte (and crashed on a
 *    trailing 0xFF byte); chdb_query_with_params_n, used for everything else, does not.
 *  - Results are materialised before the answer starts (as ClickHouse's wait_end_of_query=1), so an error always
 *    arrives as an HTTP error status with X-ClickHouse-Exception-Code and a "Code: N. DB::Exception: ..." body.
 *  - With --exit-on-stdin-eof the process exits when its stdin closes: a test JVM that dies takes it along.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* ---- the part of chDB's C API used here (libchdb.so, chDB 26.7) ---- */
typedef struct chdb_result_ { void *internal_data; } chdb_result;
typedef struct chdb_connection_ { void *internal_data; } *chdb_connection;
typedef struct chdb_insert_stream_ { void *internal_data; } *chdb_insert_stream;
typedef struct {
  uint32_t struct_size;
  uint32_t statement_count;
  uint32_t flags;
  uint32_t query_class;
} chdb_query_analysis_v1;

extern chdb_connection *chdb_connect(int argc, char **argv);
extern void chdb_close_conn(chdb_connection *conn);
extern chdb_result *chdb_query_with_params_n(chdb_connection conn, const char *query, size_t query_len,
    const char *format, size_t format_len, const char *const *names, const size_t *name_lens,
    const char *const *values, const size_t *value_lens, size_t count);
extern chdb_insert_stream chdb_stream_insert_with_params_n(chdb_connection conn, const char *query, size_t query_len,
    const char *format, size_t format_len, const char *const *names, const size_t *name_lens,
    const char *const *values, const size_t *value_lens, size_t count);
extern int chdb_stream_append(chdb_insert_stream stream, const void *data, size_t len);
extern chdb_result *chdb_stream_done(chdb_insert_stream stream);
extern void chdb_stream_cancel_insert(chdb_insert_stream stream);
extern const char *chdb_stream_insert_error(chdb_insert_stream stream);
extern void chdb_destroy_insert_stream(chdb_insert_stream stream);
extern int chdb_classify_query_n(chdb_connection conn, const char *sql, size_t sql_len, const char *target_database,
    size_t target_database_len, chdb_query_analysis_v1 *out);
extern char *chdb_result_buffer(chdb_result *result);
extern size_t chdb_result_length(chdb_result *result);
extern double chdb_result_elapsed(chdb_result *result);
extern uint64_t chdb_result_rows_read(chdb_result *result);
extern uint64_t chdb_result_bytes_read(chdb_result *result);
extern uint64_t chdb_result_storage_rows_read(chdb_result *result);
extern uint64_t chdb_result_storage_bytes_read(chdb_result *result);
extern uint64_t chdb_result_rows_written(chdb_result *result);
extern uint64_t chdb_result_bytes_written(chdb_result *result);
extern const char *chdb_result_error(chdb_result *result);
extern void chdb_destroy_query_result(chdb_result *result);

/* ---- limits ---- */
#define MAX_HEAD (64 * 1024)             /* request line and headers */
#define MAX_QUERY_SIZE (256 * 1024)      /* the SQL in front of INSERT data, as ClickHouse's max_query_size */
#define MAX_BODY_QUERY (64 * 1024 * 1024) /* a non-INSERT query read whole from the body */
#define MAX_PARAMS 256
#define IDLE_SECONDS 300

/* ---- process-wide state, set before the first request and read-only after ---- */
static char *connect_argv[2];
static const char *server_user;
static const char *server_password;
static char server_timezone[128] = "UTC";
static char server_version[64] = "";
static char **output_formats; /* names of the engine's output formats, for X-ClickHouse-Format */
static size_t output_format_count;
typedef struct { int code; const char *name; } code_name;
static code_name *error_codes; /* engine error codes by name, for the statuses and for our own errors */
static size_t error_code_count;
static chdb_connection *base_connection;

static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "chdb_http: ");
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\n");
  va_end(ap);
  exit(1);
}

/* ---- a growable byte buffer ---- */
typedef struct { char *p; size_t len, cap; } buf;

static void buf_reserve(buf *b, size_t extra) {
  if (b->len + extra + 1 <= b->cap) return;
  size_t cap = b->cap ? b->cap : 4096;
  while (cap < b->len + extra + 1) cap *= 2;
  char *p = realloc(b->p, cap);
  if (!p) die("out of memory (%zu bytes)", cap);
  b->p = p;
  b->cap = cap;
}
static void buf_add(buf *b, const void *data, size_t n) {
  buf_reserve(b, n);
  memcpy(b->p + b->len, data, n);
  b->len += n;
  b->p[b->len] = 0;
}
static void buf_adds(buf *b, const char *s) { buf_add(b, s, strlen(s)); }
static void buf_printf(buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  buf_reserve(b, (size_t)n);
  va_start(ap, fmt);
  vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}
static void buf_free(buf *b) {
  free(b->p);
  b->p = NULL;
  b->len = b->cap = 0;
}

/* ---- engine helpers ---- */
static chdb_result *engine_query(chdb_connection c, const char *sql, size_t len, const char *format) {
  return chdb_query_with_params_n(c, sql, len, format, strlen(format), NULL, NULL, NULL, NULL, 0);
}

/* Runs a statement on the base connection at startup; exits on an error. The caller destroys the result. */
static chdb_result *startup_query(const char *sql) {
  chdb_result *r = engine_query(*base_connection, sql, strlen(sql), "TabSeparated");
  if (!r) die("chDB returned no result for: %s", sql);
  if (chdb_result_error(r)) die("chDB failed on \"%s\": %s", sql, chdb_result_error(r));
  return r;
}

static int code_of(const char *name) {
  for (size_t i = 0; i < error_code_count; i++)
    if (strcmp(error_codes[i].name, name) == 0) return error_codes[i].code;
  return 1002; /* UNKNOWN_EXCEPTION in every ClickHouse version */
}
static const char *name_of(int code) {
  for (size_t i = 0; i < error_code_count; i++)
    if (error_codes[i].code == code) return error_codes[i].name;
  return "";
}

/* The HTTP status ClickHouse's HTTP interface gives an exception code (src/Server/HTTP/exceptionCodeToHTTPStatus). */
static int http_status_of(int code) {
  static const char *const s401[] = {"REQUIRED_PASSWORD", NULL};
  static const char *const s403[] = {"UNKNOWN_USER", "WRONG_PASSWORD", "AUTHENTICATION_FAILED",
      "SET_NON_GRANTED_ROLE", "ACCESS_DENIED", NULL};
  static const char *const s400[] = {"BAD_ARGUMENTS", "CANNOT_COMPILE_REGEXP", "CANNOT_PARSE_TEXT",
      "CANNOT_PARSE_ESCAPE_SEQUENCE", "CANNOT_PARSE_QUOTED_STRING", "CANNOT_PARSE_DATE", "CANNOT_PARSE_DATETIME",
      "CANNOT_PARSE_NUMBER", "CANNOT_PARSE_DOMAIN_VALUE_FROM_STRING", "CANNOT_PARSE_IPV4", "CANNOT_PARSE_IPV6",
      "CANNOT_PARSE_INPUT_ASSERTION_FAILED", "CANNOT_PARSE_UUID", "DUPLICATE_COLUMN", "ILLEGAL_COLUMN",
      "UNKNOWN_ELEMENT_IN_AST", "UNKNOWN_TYPE_OF_AST_NODE", "THERE_IS_NO_COLUMN", "TOO_DEEP_AST", "TOO_BIG_AST",
      "UNEXPECTED_AST_STRUCTURE", "SYNTAX_ERROR", "INCORRECT_DATA", "TYPE_MISMATCH",
      "VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE", NULL};
  static const char *const s404[] = {"UNKNOWN_TABLE", "UNKNOWN_FUNCTION", "UNKNOWN_IDENTIFIER", "UNKNOWN_TYPE",
      "UNKNOWN_STORAGE", "UNKNOWN_DATABASE", "UNKNOWN_SETTING", "UNKNOWN_DIRECTION_OF_SORTING",
      "UNKNOWN_AGGREGATE_FUNCTION", "UNKNOWN_FORMAT", "UNKNOWN_DATABASE_ENGINE", "UNKNOWN_TYPE_OF_QUERY",
      "UNKNOWN_ROLE", NULL};
  static const char *const s413[] = {"QUERY_IS_TOO_LARGE", NULL};
  static const char *const s501[] = {"NOT_IMPLEMENTED", NULL};
  static const char *const s503[] = {"SOCKET_TIMEOUT", "CANNOT_OPEN_FILE", "CANNOT_SCHEDULE_TASK", NULL};
  static const char *const s411[] = {"HTTP_LENGTH_REQUIRED", NULL};
  static const char *const s408[] = {"TIMEOUT_EXCEEDED", NULL};
  static const char *const s415[] = {"UNSUPPORTED_MEDIA_TYPE", NULL};
  static const struct { int status; const char *const *names; } table[] = {{401, s401}, {403, s403},
      {400, s400}, {404, s404}, {413, s413}, {501, s501}, {503, s503}, {411, s411}, {408, s408}, {415, s415}};
  const char *name = name_of(code);
  for (size_t t = 0; t < sizeof table / sizeof table[0]; t++)
    for (const char *const *n = table[t].names; *n; n++)
      if (strcmp(*n, name) == 0) return table[t].status;
  return 500;
}

/* ---- socket I/O ---- */
typedef struct {
  int fd;
  char in[64 * 1024];
  size_t pos, len;
} client;

static int send_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/* Reads more bytes into the input buffer; 0 on end of stream or error. */
static int fill(client *c) {
  if (c->pos == c->len) c->pos = c->len = 0;
  if (c->len == sizeof c->in) return 1;
  for (;;) {
    ssize_t r = recv(c->fd, c->in + c->len, sizeof c->in - c->len, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return 0;
    c->len += (size_t)r;
    return 1;
  }
}

/* Reads one CRLF- (or LF-) terminated line into out (without the terminator); -1 on end of stream or overlong. */
static int read_line(client *c, buf *out, size_t limit) {
  out->len = 0;
  for (;;) {
    if (c->pos == c->len && !fill(c)) return -1;
    char *nl = memchr(c->in + c->pos, '\n', c->len - c->pos);
    size_t take = nl ? (size_t)(nl - (c->in + c->pos)) : c->len - c->pos;
    buf_add(out, c->in + c->pos, take);
    c->pos += take;
    if (out->len > limit) return -1;
    if (nl) {
      c->pos++;
      if (out->len > 0 && out->p[out->len - 1] == '\r') out->p[--out->len] = 0;
      if (!out->p) buf_add(out, "", 0);
      return 0;
    }
  }
}

/* ---- one HTTP request ---- */
typedef struct { char *name, *value; } pair;

typedef struct {
  char method[16];
  char *path;
  pair params[MAX_PARAMS];
  size_t param_count;
  pair headers[128];
  size_t header_count;
  int http11, keep_alive, chunked, body_done, bad_body;
  long long content_left; /* Content-Length left, or the current chunk's bytes left */
  buf head;                /* owns the strings above */
} request;

static const char *header(request *r, const char *name) {
  for (size_t i = 0; i < r->header_count; i++)
    if (strcasecmp(r->headers[i].name, name) == 0) return r->headers[i].value;
  return NULL;
}
static const char *param(request *r, const char *name) {
  for (size_t i = 0; i < r->param_count; i++)
    if (strcmp(r->params[i].name, name) == 0) return r->params[i].value;
  return NULL;
}

static int hexval(int ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}
/* Decodes application/x-www-form-urlencoded text in place. */
static void url_decode(char *s) {
  char *o = s;
  for (char *p = s; *p; p++) {
    if (*p == '+') {
      *o++ = ' ';
    } else if (*p == '%' && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
      *o++ = (char)(hexval(p[1]) * 16 + hexval(p[2]));
      p += 2;
    } else {
      *o++ = *p;
    }
  }
  *o = 0;
}

/* Reads the request line and headers. 0: a request; 1: the peer closed between requests; -1: a malformed request. */
static int read_head(client *c, request *r) {
  memset(r, 0, sizeof *r);
  buf line = {0};
  size_t offsets[2 + 2 * 128];
  size_t n_off = 0;
  int status;
  do { /* tolerate empty lines before a request */
    if (read_line(c, &line, MAX_HEAD) < 0) {
      buf_free(&line);
      return 1;
    }
  } while (line.len == 0);
  char *sp1 = memchr(line.p, ' ', line.len);
  char *sp2 = sp1 ? memchr(sp1 + 1, ' ', line.len - (size_t)(sp1 + 1 - line.p)) : NULL;
  if (!sp1 || !sp2 || sp1 - line.p >= (long)sizeof r->method) {
    buf_free(&line);
    return -1;
  }
  memcpy(r->method, line.p, (size_t)(sp1 - line.p));
  r->http11 = strcmp(sp2 + 1, "HTTP/1.1") == 0;
  offsets[n_off++] = r->head.len;
  buf_add(&r->head, sp1 + 1, (size_t)(sp2 - sp1 - 1));
  buf_add(&r->head, "", 1);
  for (;;) {
    if (read_line(c, &line, MAX_HEAD) < 0 || r->head.len > MAX_HEAD) {
      status = -1;
      goto out;
    }
    if (line.len == 0) break;
    char *colon = memchr(line.p, ':', line.len);
    if (!colon || r->header_count >= 128) {
      status = -1;
      goto out;
    }
    char *v = colon + 1;
    while (*v == ' ' || *v == '\t') v++;
    size_t vlen = line.len - (size_t)(v - line.p);
    while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t')) vlen--;
    offsets[n_off++] = r->head.len;
    buf_add(&r->head, line.p, (size_t)(colon - line.p));
    buf_add(&r->head, "", 1);
    offsets[n_off++] = r->head.len;
    buf_add(&r->head, v, vlen);
    buf_add(&r->head, "", 1);
    r->header_count++;
  }
  /* the strings live in r->head; point at them now that it no longer moves */
  r->path = r->head.p + offsets[0];
  for (size_t i = 0; i < r->header_count; i++) {
    r->headers[i].name = r->head.p + offsets[1 + 2 * i];
    r->headers[i].value = r->head.p + offsets[2 + 2 * i];
  }
  char *q = strchr(r->path, '?');
  if (q) {
    *q++ = 0;
    char *save = NULL;
    for (char *tok = strtok_r(q, "&", &save); tok; tok = strtok_r(NULL, "&", &save)) {
      if (r->param_count >= MAX_PARAMS) {
        status = -1;
        goto out;
      }
      char *eq = strchr(tok, '=');
      if (eq) *eq = 0;
      url_decode(tok);
      r->params[r->param_count].name = tok;
      r->params[r->param_count].value = eq ? eq + 1 : tok + strlen(tok);
      if (eq) url_decode(eq + 1);
      r->param_count++;
    }
  }
  url_decode(r->path);
  const char *conn = header(r, "Connection");
  r->keep_alive = r->http11 ? !(conn && strcasecmp(conn, "close") == 0) : (conn && strcasecmp(conn, "keep-alive") == 0);
  const char *te = header(r, "Transfer-Encoding");
  const char *cl = header(r, "Content-Length");
  if (te && strcasecmp(te, "chunked") == 0) {
    r->chunked = 1;
    r->content_left = 0;
  } else if (te) {
    status = -1;
    goto out;
  } else if (cl) {
    char *end;
    r->content_left = strtoll(cl, &end, 10);
    if (*end || r->content_left < 0) {
      status = -1;
      goto out;
    }
    r->body_done = r->content_left == 0;
  } else {
    r->body_done = 1;
  }
  status = 0;
out:
  buf_free(&line);
  return status;
}

/* Reads up to cap bytes of the request body (Content-Length or chunked). >0: bytes; 0: the body ended; -1: error. */
static long body_read(client *c, request *r, char *dst, size_t cap) {
  if (r->body_done) return 0;
  if (r->chunked && r->content_left == 0) {
    buf line = {0};
    if (read_line(c, &line, 1024) < 0) goto bad;
    char *end;
    long long size = strtoll(line.p, &end, 16);
    if (end == line.p || size < 0) goto bad;
    if (size == 0) { /* trailers until an empty line */
      do {
        if (read_line(c, &line, MAX_HEAD) < 0) goto bad;
      } while (line.len > 0);
      buf_free(&line);
      r->body_done = 1;
      return 0;
    }
    buf_free(&line);
    r->content_left = size;
    goto read;
  bad:
    buf_free(&line);
    r->bad_body = 1;
    r->body_done = 1;
    return -1;
  }
read:
  if (c->pos == c->len && !fill(c)) {
    r->bad_body = 1;
    r->body_done = 1;
    return -1;
  }
  size_t n = c->len - c->pos;
  if ((long long)n > r->content_left) n = (size_t)r->content_left;
  if (n > cap) n = cap;
  memcpy(dst, c->in + c->pos, n);
  c->pos += n;
  r->content_left -= (long long)n;
  if (r->content_left == 0) {
    if (r->chunked) { /* the CRLF after a chunk's data */
      buf line = {0};
      int bad = read_line(c, &line, 2) < 0 || line.len != 0;
      buf_free(&line);
      if (bad) {
        r->bad_body = 1;
        r->body_done = 1;
        return -1;
      }
    } else {
      r->body_done = 1;
    }
  }
  return (long)n;
}

static void drain_body(client *c, request *r) {
  char scratch[16384];
  while (body_read(c, r, scratch, sizeof scratch) > 0) {
  }
}

/* ---- answers ---- */
static long long now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static const char *content_type_of(const char *format) {
  if (strncmp(format, "TabSeparated", 12) == 0 || strncmp(format, "TSV", 3) == 0)
    return "text/tab-separated-values; charset=UTF-8";
  if (strncmp(format, "JSON", 4) == 0) return "application/json; charset=UTF-8";
  if (strncmp(format, "CSV", 3) == 0) return "text/csv; charset=UTF-8";
  if (strcmp(format, "TSKV") == 0) return "text/plain; charset=UTF-8";
  return "application/octet-stream";
}

static __thread int last_status; /* the status of the last answer this thread sent, for the log */

static int send_answer(client *c, request *r, int status, const char *reason, const char *extra_headers,
    const char *content_type, const char *body, size_t body_len) {
  buf h = {0};
  last_status = status;
  buf_printf(&h, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nConnection: %s\r\n"
      "X-ClickHouse-Server-Display-Name: chdb_http\r\n%s\r\n", status, reason, content_type, body_len,
      r->keep_alive ? "Keep-Alive" : "close", extra_headers ? extra_headers : "");
  int rc = send_all(c->fd, h.p, h.len);
  if (rc == 0 && body_len > 0 && strcmp(r->method, "HEAD") != 0) rc = send_all(c->fd, body, body_len);
  buf_free(&h);
  return rc;
}

static const char *reason_of(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    default: return "Internal Server Error";
  }
}

/* An exception as ClickHouse's HTTP interface sends it: the status for its code, the code header, the text. */
static int send_exception(client *c, request *r, const char *query_id, const char *text) {
  int code = 0;
  const char *p = strstr(text, "Code: ");
  if (p) code = atoi(p + 6);
  buf body = {0};
  if (code <= 0) {
    code = code_of("UNKNOWN_EXCEPTION");
    buf_printf(&body, "Code: %d. DB::Exception: %s", code, text);
  } else {
    buf_adds(&body, p);
  }
  while (body.len > 0 && (body.p[body.len - 1] == '\n' || body.p[body.len - 1] == ' ')) body.p[--body.len] = 0;
  if (!strstr(body.p, "(version ")) buf_printf(&body, " (version %s)", server_version);
  buf_adds(&body, "\n");
  buf h = {0};
  buf_printf(&h, "X-ClickHouse-Exception-Code: %d\r\nX-ClickHouse-Query-Id: %s\r\nX-ClickHouse-Timezone: %s\r\n",
      code, query_id, server_timezone);
  int status = http_status_of(code);
  int rc = send_answer(c, r, status, reason_of(status), h.p, "text/plain; charset=UTF-8", body.p, body.len);
  buf_free(&h);
  buf_free(&body);
  return rc;
}

/* Our own error, in the engine's words: "Code: N. DB::Exception: <message>. (NAME)". */
static int send_error(client *c, request *r, const char *query_id, const char *name, const char *fmt, ...) {
  buf msg = {0};
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  buf_reserve(&msg, (size_t)n);
  va_start(ap, fmt);
  vsnprintf(msg.p, (size_t)n + 1, fmt, ap);
  va_end(ap);
  buf text = {0};
  buf_printf(&text, "Code: %d. DB::Exception: %s. (%s)", code_of(name), msg.p, name);
  int rc = send_exception(c, r, query_id, text.p);
  buf_free(&msg);
  buf_free(&text);
  return rc;
}

/* ---- SQL scanning: just enough lexing to find an INSERT's data and a query's FORMAT clause ---- */
typedef struct {
  size_t start, end; /* token bytes [start, end) */
  int kind;          /* 'w' word, 's' string literal, 'q' quoted identifier, 'n' number, or the punctuation char */
} token;

enum { LEX_OK, LEX_END, LEX_MORE };

/* Next token from s[*pos..n). LEX_MORE: the text stops inside a token or comment and more may follow. */
static int lex(const char *s, size_t n, size_t *pos, int complete, token *t) {
  size_t i = *pos;
  for (;;) {
    while (i < n && isspace((unsigned char)s[i])) i++;
    if (i + 1 < n && s[i] == '-' && s[i + 1] == '-') {
      while (i < n && s[i] != '\n') i++;
      if (i == n && !complete) return LEX_MORE;
      continue;
    }
    if (i < n && s[i] == '#') {
      while (i < n && s[i] != '\n') i++;
      if (i == n && !complete) return LEX_MORE;
      continue;
    }
    if (i + 1 < n && s[i] == '/' && s[i + 1] == '*') {
      size_t j = i + 2;
      while (j + 1 < n && !(s[j] == '*' && s[j + 1] == '/')) j++;
      if (j + 1 >= n) return complete ? LEX_END : LEX_MORE;
      i = j + 2;
      continue;
    }
    break;
  }
  if (i >= n) return complete ? LEX_END : LEX_MORE;
  if (!complete && i + 1 >= n) return LEX_MORE; /* a lone '-' or '/' might start a comment */
  t->start = i;
  unsigned char ch = (unsigned char)s[i];
  if (isalpha(ch) || ch == '_' || ch >= 0x80) {
    while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '$' || (unsigned char)s[i] >= 0x80)) i++;
    t->kind = 'w';
  } else if (isdigit(ch)) {
    while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '.' || s[i] == '_')) i++;
    t->kind = 'n';
  } else if (ch == '\'' || ch == '"' || ch == '`') {
    size_t j = i + 1;
    for (;;) {
      if (j >= n) return complete ? LEX_END : LEX_MORE;
      if (s[j] == '\\') {
        j += 2;
        continue;
      }
      if (s[j] == (char)ch) {
        if (j + 1 < n && s[j + 1] == (char)ch) {
          j += 2;
          continue;
        }
        if (j + 1 >= n && !complete) return LEX_MORE;
        break;
      }
      j++;
    }
    i = j + 1;
    t->kind = ch == '\'' ? 's' : 'q';
  } else {
    i++;
    t->kind = ch;
  }
  if (i >= n && !complete && (t->kind == 'w' || t->kind == 'n')) return LEX_MORE; /* the word may go on */
  t->end = i;
  *pos = i;
  return LEX_OK;
}

static int word_is(const char *s, const token *t, const char *w) {
  size_t len = strlen(w);
  return t->kind == 'w' && t->end - t->start == len && strncasecmp(s + t->start, w, len) == 0;
}

enum { SPLIT_MORE, SPLIT_QUERY, SPLIT_INSERT };

typedef struct {
  size_t statement_end; /* the INSERT statement without FORMAT/VALUES: s[0, statement_end) */
  size_t format_start, format_len;
  size_t data_start;
  int values; /* INSERT ... VALUES: the format is Values */
} insert_split;

/*
 * Decides whether s is an INSERT that carries data, and where the data starts, by ClickHouse's rule: after
 * "FORMAT <name>", skip spaces and tabs, then one optional CR, then one optional LF; after VALUES, right away.
 * SPLIT_MORE: undecided until more text arrives. SPLIT_QUERY: anything else (including INSERT ... SELECT).
 */
static int split_insert(const char *s, size_t n, int complete, insert_split *out) {
  size_t pos = 0;
  token t;
  int rc = lex(s, n, &pos, complete, &t);
  if (rc == LEX_MORE) return SPLIT_MORE;
  if (rc == LEX_END || !word_is(s, &t, "INSERT")) return SPLIT_QUERY;
  int depth = 0;
  for (;;) {
    rc = lex(s, n, &pos, complete, &t);
    if (rc == LEX_MORE) return SPLIT_MORE;
    if (rc == LEX_END) return SPLIT_QUERY;
    if (t.kind == '(') depth++;
    if (t.kind == ')') depth--;
    if (depth != 0) continue;
    if (word_is(s, &t, "SELECT") || word_is(s, &t, "WITH") || word_is(s, &t, "INFILE")) return SPLIT_QUERY;
    if (word_is(s, &t, "VALUES")) {
      out->statement_end = t.start;
      out->values = 1;
      out->format_start = out->format_len = 0;
      out->data_start = t.end;
      return SPLIT_INSERT;
    }
    if (word_is(s, &t, "FORMAT")) {
      token name;
      rc = lex(s, n, &pos, complete, &name);
      if (rc == LEX_MORE) return SPLIT_MORE;
      if (rc == LEX_END || name.kind != 'w') return SPLIT_QUERY;
      size_t d = name.end;
      int newline = 0;
      while (d < n && (s[d] == ' ' || s[d] == '\t' || s[d] == '\f')) d++;
      if (d < n && s[d] == '\r') d++;
      if (d < n && s[d] == '\n') {
        d++;
        newline = 1;
      }
      if (d == n && !newline && !complete) return SPLIT_MORE; /* the whitespace may go on */
      if (d < n && s[d] == ';') return SPLIT_QUERY; /* the engine reports the stray ';' */
      out->statement_end = t.start;
      out->values = 0;
      out->format_start = name.start;
      out->format_len = name.end - name.start;
      out->data_start = d;
      return SPLIT_INSERT;
    }
  }
}

/* The output format a query's own top-level FORMAT clause names, as the engine spells it; NULL when none. */
static const char *format_clause(const char *s, size_t n) {
  size_t pos = 0;
  token t, name;
  int depth = 0;
  const char *found = NULL;
  while (lex(s, n, &pos, 1, &t) == LEX_OK) {
    if (t.kind == '(') depth++;
    if (t.kind == ')') depth--;
    if (depth != 0 || !word_is(s, &t, "FORMAT")) continue;
    size_t save = pos;
    if (lex(s, n, &pos, 1, &name) != LEX_OK || name.kind != 'w') {
      pos = save;
      continue;
    }
    for (size_t i = 0; i < output_format_count; i++) {
      if (strlen(output_formats[i]) == name.end - name.start
          && strncasecmp(output_formats[i], s + name.start, name.end - name.start) == 0) {
        found = output_formats[i];
        break;
      }
    }
  }
  return found;
}

/* ---- handling a query ---- */
static int is_blank(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!isspace((unsigned char)s[i])) return 0;
  return 1;
}

static void sql_quote(buf *b, const char *v) {
  buf_adds(b, "'");
  for (const char *p = v; *p; p++) {
    if (*p == '\'' || *p == '\\') buf_adds(b, "\\");
    buf_add(b, p, 1);
  }
  buf_adds(b, "'");
}

static int credentials_ok(request *r) {
  const char *user = NULL, *password = NULL;
  char decoded[1024];
  const char *auth = header(r, "Authorization");
  if (auth && strncasecmp(auth, "Basic ", 6) == 0) {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    unsigned acc = 0;
    int bits = 0;
    for (const char *p = auth + 6; *p && *p != '=' && o + 1 < sizeof decoded; p++) {
      const char *k = strchr(alphabet, *p);
      if (!k || !*p) return 0;
      acc = (acc << 6) | (unsigned)(k - alphabet);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        decoded[o++] = (char)((acc >> bits) & 0xff);
      }
    }
    decoded[o] = 0;
    char *colon = strchr(decoded, ':');
    if (!colon) return 0;
    *colon = 0;
    user = decoded;
    password = colon + 1;
  } else if (header(r, "X-ClickHouse-User")) {
    user = header(r, "X-ClickHouse-User");
    password = header(r, "X-ClickHouse-Key");
  } else {
    user = param(r, "user");
    password = param(r, "password");
  }
  if (!user || !*user) user = "default";
  if (!password) password = "";
  int ok = strcmp(user, server_user) == 0 && strlen(password) == strlen(server_password);
  /* compare every byte whatever the result so far */
  unsigned diff = 0;
  size_t len = strlen(server_password);
  for (size_t i = 0; i < len && i < strlen(password); i++) diff |= (unsigned char)password[i] ^ (unsigned char)server_password[i];
  return ok && diff == 0;
}

typedef struct {
  const char *names[MAX_PARAMS];
  const char *values[MAX_PARAMS];
  size_t name_lens[MAX_PARAMS], value_lens[MAX_PARAMS];
  size_t count;
} bound_params;

static void summary_header(buf *h, chdb_result *res, uint64_t rows_read, uint64_t bytes_read, long long elapsed_ns) {
  buf_printf(h, "X-ClickHouse-Summary: {\"read_rows\":\"%llu\",\"read_bytes\":\"%llu\",\"written_rows\":\"%llu\","
      "\"written_bytes\":\"%llu\",\"total_rows_to_read\":\"%llu\",\"result_rows\":\"%llu\",\"result_bytes\":\"%llu\","
      "\"elapsed_ns\":\"%lld\"}\r\n",
      (unsigned long long)rows_read, (unsigned long long)bytes_read,
      (unsigned long long)(res ? chdb_result_rows_written(res) : 0),
      (unsigned long long)(res ? chdb_result_bytes_written(res) : 0), (unsigned long long)rows_read,
      (unsigned long long)(res ? chdb_result_rows_read(res) : 0),
      (unsigned long long)(res ? chdb_result_length(res) : 0), elapsed_ns);
}

static void log_request(request *r, long long started, const char *sql, size_t sql_len) {
  size_t shown = 0;
  while (shown < sql_len && shown < 160 && sql[shown] != '\n' && sql[shown] != '\r') shown++;
  fprintf(stderr, "%s %s %d %.1f ms %.*s%s\n", r->method, r->path, last_status, (now_us() - started) / 1000.0,
      (int)shown, sql ? sql : "", shown < sql_len ? " ..." : "");
}

/* Serves POST / (a query). Returns -1 when the connection must close. */
static int handle_query(client *c, request *r) {
  long long started = now_us();
  char generated_id[40];
  const char *query_id = param(r, "query_id");
  if (!query_id || !*query_id) query_id = header(r, "X-ClickHouse-Query-Id");
  if (!query_id || !*query_id) {
    unsigned char rnd[16];
    FILE *f = fopen("/dev/urandom", "rb");
    if (!f || fread(rnd, 1, sizeof rnd, f) != sizeof rnd) die("cannot read /dev/urandom");
    fclose(f);
    rnd[6] = (rnd[6] & 0x0f) | 0x40;
    rnd[8] = (rnd[8] & 0x3f) | 0x80;
    snprintf(generated_id, sizeof generated_id,
        "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2], rnd[3],
        rnd[4], rnd[5], rnd[6], rnd[7], rnd[8], rnd[9], rnd[10], rnd[11], rnd[12], rnd[13], rnd[14], rnd[15]);
    query_id = generated_id;
  }
  int rc = 0;
  buf text = {0}, sets = {0}, extra = {0};
  chdb_connection *conn = NULL;
  chdb_result *res = NULL;
  char *chunk = NULL;
  insert_split split = {0};
  int kind = SPLIT_QUERY;
  last_status = 0;
#define FAIL(name, ...)                                 \
  do {                                                  \
    drain_body(c, r);                                   \
    rc = send_error(c, r, query_id, name, __VA_ARGS__); \
    goto done;                                          \
  } while (0)

  if (!credentials_ok(r)) {
    FAIL("AUTHENTICATION_FAILED", "Authentication failed: password is incorrect, or there is no user with such name");
  }
  /* what this front end does not implement is refused, never silently changed */
  const char *ce = header(r, "Content-Encoding");
  if (ce && *ce && strcasecmp(ce, "identity") != 0)
    FAIL("NOT_IMPLEMENTED", "chdb_http does not decode compressed requests (Content-Encoding: %s): build the client "
        "with compressClientRequest(false) and useHttpCompression(false)", ce);
  const char *ct = header(r, "Content-Type");
  if (ct && strncasecmp(ct, "multipart/", 10) == 0)
    FAIL("NOT_IMPLEMENTED", "chdb_http does not read parameters from a multipart body: keep the client's "
        "HTTP_SEND_PARAMS_IN_BODY off");

  const char *database = param(r, "database");
  if (!database) database = header(r, "X-ClickHouse-Database");
  const char *format = param(r, "default_format");
  if (!format) format = header(r, "X-ClickHouse-Format");
  if (!format || !*format) format = "TabSeparated";
  const char *query_param = param(r, "query");
  bound_params bound = {.count = 0};
  for (size_t i = 0; i < r->param_count; i++) {
    const char *name = r->params[i].name, *value = r->params[i].value;
    if (strncmp(name, "param_", 6) == 0) {
      bound.names[bound.count] = name + 6;
      bound.name_lens[bound.count] = strlen(name + 6);
      bound.values[bound.count] = value;
      bound.value_lens[bound.count] = strlen(value);
      bound.count++;
    } else if (strcmp(name, "compress") == 0 || strcmp(name, "decompress") == 0) {
      if (strcmp(value, "0") != 0)
        FAIL("NOT_IMPLEMENTED", "chdb_http does not implement ClickHouse's compressed blocks (%s=%s): build the "
            "client with compressServerResponse(false) and compressClientRequest(false)", name, value);
    } else if (strcmp(name, "session_id") == 0 || strcmp(name, "session_check") == 0
        || strcmp(name, "session_timeout") == 0 || strcmp(name, "role") == 0) {
      FAIL("NOT_IMPLEMENTED", "chdb_http has no sessions or roles (parameter %s)", name);
    } else if (strcmp(name, "query") == 0 || strcmp(name, "database") == 0 || strcmp(name, "default_format") == 0
        || strcmp(name, "query_id") == 0 || strcmp(name, "user") == 0 || strcmp(name, "password") == 0
        || strcmp(name, "quota_key") == 0 || strcmp(name, "buffer_size") == 0
        || strcmp(name, "wait_end_of_query") == 0 || strcmp(name, "stacktrace") == 0) {
      /* HTTP-interface parameters, not settings: used above, or without effect here */
    } else {
      buf_adds(&sets, "SET ");
      for (const char *p = name; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_') FAIL("UNKNOWN_SETTING", "Unknown setting '%s'", name);
      buf_adds(&sets, name);
      buf_adds(&sets, " = ");
      sql_quote(&sets, value);
      buf_add(&sets, "", 1); /* statements separated by NUL */
    }
  }

  /* the text: the query parameter, a newline and the body (as ClickHouse), or the body alone */
  if (query_param) {
    buf_adds(&text, query_param);
    buf_adds(&text, "\n");
  }
  chunk = malloc(1 << 20);
  if (!chunk) die("out of memory");
  for (;;) {
    kind = split_insert(text.p ? text.p : "", text.len, r->body_done, &split);
    if (kind != SPLIT_MORE) break;
    if (text.len > MAX_QUERY_SIZE) FAIL("SYNTAX_ERROR", "Max query size exceeded (%d bytes)", MAX_QUERY_SIZE);
    long got = body_read(c, r, chunk, 1 << 20);
    if (got < 0) {
      rc = -1;
      goto done;
    }
    if (got > 0) buf_add(&text, chunk, (size_t)got);
  }
  if (kind == SPLIT_QUERY) {
    for (;;) {
      long got = body_read(c, r, chunk, 1 << 20);
      if (got < 0) {
        rc = -1;
        goto done;
      }
      if (got == 0) break;
      buf_add(&text, chunk, (size_t)got);
      if (text.len > MAX_BODY_QUERY) FAIL("QUERY_IS_TOO_LARGE", "The query is larger than %d bytes", MAX_BODY_QUERY);
    }
    if (!text.p || is_blank(text.p, text.len)) FAIL("SYNTAX_ERROR", "Empty query");
  }

  /* a connection of the request's own: settings, then the database */
  conn = chdb_connect(2, connect_argv);
  if (!conn) FAIL("UNKNOWN_EXCEPTION", "chdb_connect failed");
  for (size_t off = 0; off < sets.len; off += strlen(sets.p + off) + 1) {
    chdb_result *sr = engine_query(*conn, sets.p + off, strlen(sets.p + off), "TabSeparated");
    if (chdb_result_error(sr)) {
      buf err = {0};
      buf_adds(&err, chdb_result_error(sr));
      chdb_destroy_query_result(sr);
      drain_body(c, r);
      rc = send_exception(c, r, query_id, err.p);
      buf_free(&err);
      goto done;
    }
    chdb_destroy_query_result(sr);
  }
  if (database && *database) {
    buf use = {0};
    buf_adds(&use, "USE `");
    for (const char *p = database; *p; p++) {
      if (*p == '`' || *p == '\\') buf_adds(&use, "\\");
      buf_add(&use, p, 1);
    }
    buf_adds(&use, "`");
    chdb_result *ur = engine_query(*conn, use.p, use.len, "TabSeparated");
    buf_free(&use);
    if (chdb_result_error(ur)) {
      buf err = {0};
      buf_adds(&err, chdb_result_error(ur));
      chdb_destroy_query_result(ur);
      drain_body(c, r);
      rc = send_exception(c, r, query_id, err.p);
      buf_free(&err);
      goto done;
    }
    chdb_destroy_query_result(ur);
  }

  const char *answer_format = format;
  if (kind == SPLIT_INSERT) {
    const char *ifmt = split.values ? "Values" : text.p + split.format_start;
    size_t ifmt_len = split.values ? 6 : split.format_len;
    chdb_insert_stream stream = chdb_stream_insert_with_params_n(*conn, text.p, split.statement_end, ifmt,
        ifmt_len, bound.names, bound.name_lens, bound.values, bound.value_lens, bound.count);
    const char *err = chdb_stream_insert_error(stream);
    int failed = err != NULL;
    if (!failed && text.len > split.data_start)
      failed = chdb_stream_append(stream, text.p + split.data_start, text.len - split.data_start) != 0;
    while (!failed) {
      long got = body_read(c, r, chunk, 1 << 20);
      if (got < 0) {
        chdb_stream_cancel_insert(stream);
        chdb_destroy_insert_stream(stream);
        rc = -1;
        goto done;
      }
      if (got == 0) break;
      failed = chdb_stream_append(stream, chunk, (size_t)got) != 0;
    }
    if (failed) drain_body(c, r);
    if (err) {
      buf e = {0};
      buf_adds(&e, err);
      chdb_destroy_insert_stream(stream);
      rc = send_exception(c, r, query_id, e.p);
      buf_free(&e);
      goto done;
    }
    res = chdb_stream_done(stream);
    if (!res || chdb_result_error(res)) {
      const char *why = res ? chdb_result_error(res) : chdb_stream_insert_error(stream);
      buf e = {0};
      buf_adds(&e, why ? why : "the streaming insert failed");
      chdb_destroy_insert_stream(stream);
      rc = send_exception(c, r, query_id, e.p);
      buf_free(&e);
      goto done;
    }
    chdb_destroy_insert_stream(stream);
  } else {
    chdb_query_analysis_v1 analysis = {.struct_size = sizeof analysis};
    if (chdb_classify_query_n(*conn, text.p, text.len, NULL, 0, &analysis) == 0 && analysis.statement_count > 1)
      FAIL("SYNTAX_ERROR", "Syntax error (Multi-statements are not allowed): %u statements in one request",
          analysis.statement_count);
    const char *own = format_clause(text.p, text.len);
    if (own) answer_format = own;
    res = chdb_query_with_params_n(*conn, text.p, text.len, format, strlen(format), bound.names, bound.name_lens,
        bound.values, bound.value_lens, bound.count);
    if (!res || chdb_result_error(res)) {
      buf e = {0};
      buf_adds(&e, res ? chdb_result_error(res) : "chDB returned no result");
      rc = send_exception(c, r, query_id, e.p);
      buf_free(&e);
      goto done;
    }
  }
  /* as ClickHouse, the time zone of the query: session_timezone when the request sets it */
  const char *tz = param(r, "session_timezone");
  buf_printf(&extra, "X-ClickHouse-Query-Id: %s\r\nX-ClickHouse-Format: %s\r\nX-ClickHouse-Timezone: %s\r\n",
      query_id, answer_format, tz && *tz ? tz : server_timezone);
  summary_header(&extra, res, chdb_result_storage_rows_read(res), chdb_result_storage_bytes_read(res),
      (now_us() - started) * 1000);
  rc = send_answer(c, r, 200, "OK", extra.p, content_type_of(answer_format), chdb_result_buffer(res),
      chdb_result_length(res));
done:
#undef FAIL
  log_request(r, started, text.p, kind == SPLIT_INSERT ? split.statement_end : text.len);
  if (res) chdb_destroy_query_result(res);
  if (conn) chdb_close_conn(conn);
  free(chunk);
  buf_free(&text);
  buf_free(&sets);
  buf_free(&extra);
  return rc;
}

static void *serve(void *arg) {
  client *c = arg;
  for (;;) {
    request r;
    int h = read_head(c, &r);
    if (h != 0) {
      if (h < 0) {
        r.keep_alive = 0;
        const char *msg = "Malformed HTTP request\n";
        send_answer(c, &r, 400, "Bad Request", NULL, "text/plain; charset=UTF-8", msg, strlen(msg));
      }
      buf_free(&r.head);
      break;
    }
    const char *expect = header(&r, "Expect");
    if (expect && strcasecmp(expect, "100-continue") == 0) send_all(c->fd, "HTTP/1.1 100 Continue\r\n\r\n", 25);
    int rc;
    if ((strcmp(r.method, "GET") == 0 || strcmp(r.method, "HEAD") == 0)
        && (strcmp(r.path, "/ping") == 0 || (strcmp(r.path, "/") == 0 && r.param_count == 0))) {
      drain_body(c, &r);
      rc = send_answer(c, &r, 200, "OK", NULL, "text/html; charset=UTF-8", "Ok.\n", 4);
    } else if (strcmp(r.method, "POST") == 0 && strcmp(r.path, "/") == 0) {
      rc = handle_query(c, &r);
    } else {
      drain_body(c, &r);
      char msg[512];
      int n = snprintf(msg, sizeof msg, "chdb_http serves POST / (queries), GET /ping and GET /; not %s %.200s\n",
          r.method, r.path);
      rc = send_answer(c, &r, 404, "Not Found", NULL, "text/plain; charset=UTF-8", msg, (size_t)n);
    }
    int keep = rc == 0 && r.keep_alive && !r.bad_body && r.body_done;
    buf_free(&r.head);
    if (!keep) break;
  }
  close(c->fd);
  free(c);
  return NULL;
}

static void *watch_stdin(void *arg) {
  (void)arg;
  char scratch[256];
  while (read(0, scratch, sizeof scratch) > 0) {
  }
  fprintf(stderr, "chdb_http: stdin closed, exiting\n");
  _exit(0);
}

static void usage(void) {
  fprintf(stderr,
      "usage: chdb_http --path DIR --user NAME [--port N] [--exit-on-stdin-eof]\n"
      "  The password is read from the environment variable CHDB_HTTP_PASSWORD (empty when unset).\n"
      "  Listens on 127.0.0.1:N (0, the default, picks a free port) and prints \"listening on 127.0.0.1:<port>\".\n");
  exit(2);
}

int main(int argc, char **argv) {
  const char *path = NULL;
  int port = 0, watch = 0;
  server_user = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--path") == 0 && i + 1 < argc) path = argv[++i];
    else if (strcmp(argv[i], "--user") == 0 && i + 1 < argc) server_user = argv[++i];
    else if (strcmp(argv[i], "--port") == 0 && i + 1 < argc) port = atoi(argv[++i]);
    else if (strcmp(argv[i], "--exit-on-stdin-eof") == 0) watch = 1;
    else usage();
  }
  if (!path || !server_user) usage();
  server_password = getenv("CHDB_HTTP_PASSWORD");
  if (!server_password) server_password = "";
  server_password = strdup(server_password);
  unsetenv("CHDB_HTTP_PASSWORD"); /* the engine and anything it starts never see it */
  setenv("TZ", "UTC", 1);         /* the engine's server time zone, sent as X-ClickHouse-Timezone */
  tzset();

  size_t plen = strlen(path) + 8;
  connect_argv[0] = "clickhouse";
  connect_argv[1] = malloc(plen);
  snprintf(connect_argv[1], plen, "--path=%s", path);
  base_connection = chdb_connect(2, connect_argv);
  if (!base_connection) die("chdb_connect(--path=%s) failed", path);

  chdb_result *r = startup_query("SELECT timezone(), version()");
  sscanf(chdb_result_buffer(r), "%127[^\t]\t%63[^\n]", server_timezone, server_version);
  chdb_destroy_query_result(r);

  r = startup_query("SELECT name FROM system.formats WHERE is_output ORDER BY name");
  {
    char *p = chdb_result_buffer(r), *end = p + chdb_result_length(r);
    while (p < end) {
      char *nl = memchr(p, '\n', (size_t)(end - p));
      if (!nl) nl = end;
      output_formats = realloc(output_formats, (output_format_count + 1) * sizeof *output_formats);
      output_formats[output_format_count++] = strndup(p, (size_t)(nl - p));
      p = nl + 1;
    }
  }
  chdb_destroy_query_result(r);

  r = startup_query("SELECT number, errorCodeToName(number) FROM numbers(10000) WHERE errorCodeToName(number) != ''");
  {
    char *p = chdb_result_buffer(r), *end = p + chdb_result_length(r);
    while (p < end) {
      char *nl = memchr(p, '\n', (size_t)(end - p));
      if (!nl) nl = end;
      char *tab = memchr(p, '\t', (size_t)(nl - p));
      if (tab) {
        error_codes = realloc(error_codes, (error_code_count + 1) * sizeof *error_codes);
        error_codes[error_code_count].code = atoi(p);
        error_codes[error_code_count].name = strndup(tab + 1, (size_t)(nl - tab - 1));
        error_code_count++;
      }
      p = nl + 1;
    }
  }
  chdb_destroy_query_result(r);

  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  if (lfd < 0) die("socket: %s", strerror(errno));
  int one = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(lfd, (struct sockaddr *)&addr, sizeof addr) < 0) die("bind 127.0.0.1:%d: %s", port, strerror(errno));
  if (listen(lfd, 128) < 0) die("listen: %s", strerror(errno));
  socklen_t alen = sizeof addr;
  getsockname(lfd, (struct sockaddr *)&addr, &alen);

  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  if (watch) {
    pthread_t t;
    pthread_create(&t, &attr, watch_stdin, NULL);
  }
  printf("listening on 127.0.0.1:%d\n", ntohs(addr.sin_port));
  fflush(stdout);
  fprintf(stderr, "chdb_http: engine %s, time zone %s, data in %s\n", server_version, server_timezone, path);

  for (;;) {
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      die("accept: %s", strerror(errno));
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct timeval idle = {.tv_sec = IDLE_SECONDS};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &idle, sizeof idle);
    client *c = calloc(1, sizeof *c);
    if (!c) die("out of memory");
    c->fd = fd;
    pthread_t t;
    if (pthread_create(&t, &attr, serve, c) != 0) {
      close(fd);
      free(c);
    }
  }
}
