package io.viewpulse.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests whose framing is ambiguous are answered 400 and their connection closed, as RFC 9112 asks: behind a proxy
 * that frames them otherwise, the rest of the connection could be read as another request (request smuggling).
 * Netty already refuses a chunked request that also has a Content-Length, and several Content-Lengths; this adds a
 * Transfer-Encoding whose final coding is not chunked (the body's length is then unknown), Transfer-Encoding with
 * Content-Length, and more than one Host. Nothing else on the connection is answered: a request already read behind
 * the refused one (pipelined, or bytes of its body) is dropped with the connection.
 */
final class Framing implements Handler<HttpServerRequest> {
  private final Handler<HttpServerRequest> next;
  /** Connections being closed after a refusal: what else arrives on them is not answered. */
  private final Set<HttpConnection> closing = ConcurrentHashMap.newKeySet();

  Framing(Handler<HttpServerRequest> next) {
    this.next = next;
  }

  @Override
  public void handle(HttpServerRequest req) {
    if (!closing.isEmpty() && closing.contains(req.connection())) {
      return;
    }
    String problem = problem(req);
    if (problem == null) {
      next.handle(req);
      return;
    }
    HttpConnection connection = req.connection();
    closing.add(connection);
    ObjectNode body = Json.object();
    body.putArray("errors").add(problem);
    req.response().setStatusCode(400).putHeader("Content-Type", Json.CONTENT_TYPE).putHeader("Connection", "close")
        .end(body.toString()).onComplete(done -> connection.close().onComplete(closed -> closing.remove(connection)));
  }

  /** What makes the request's framing ambiguous, or null. */
  static String problem(HttpServerRequest req) {
    List<String> te = req.headers().getAll("Transfer-Encoding");
    List<String> cl = req.headers().getAll("Content-Length");
    if (!te.isEmpty()) {
      String last = te.get(te.size() - 1);
      String[] codings = last.split(",");
      if (!codings[codings.length - 1].strip().toLowerCase(Locale.ROOT).equals("chunked")) {
        return "the Transfer-Encoding does not end with chunked, so the body's length is unknown: send a chunked"
            + " body or a Content-Length";
      }
      if (!cl.isEmpty()) {
        return "a request has Transfer-Encoding or Content-Length, not both";
      }
    }
    if (req.headers().getAll("Host").size() > 1) {
      return "a request has one Host header, not " + req.headers().getAll("Host").size();
    }
    if (cl.size() > 1 || cl.size() == 1 && cl.get(0).indexOf(',') >= 0) {
      Set<String> values = new java.util.HashSet<>();
      cl.forEach(v -> java.util.Arrays.stream(v.split(",")).forEach(x -> values.add(x.strip())));
      if (values.size() > 1) {
        return "a request has one Content-Length, not several with different values";
      }
    }
    return null;
  }
}
