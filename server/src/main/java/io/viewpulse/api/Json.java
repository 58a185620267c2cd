package io.viewpulse.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** JSON in and out, and the one error shape of the API: {@code {"errors": ["message", ...]}}. */
final class Json {
  /** Doubles written with Schubfach instead of {@code Double.toString}: a large series is mostly doubles. */
  static final ObjectMapper MAPPER =
      JsonMapper.builder().enable(com.fasterxml.jackson.core.StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();
  static final String CONTENT_TYPE = "application/json; charset=utf-8";

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static ArrayNode array() {
    return MAPPER.createArrayNode();
  }

  static void ok(RoutingContext ctx, JsonNode body) {
    send(ctx, 200, body);
  }

  static void send(RoutingContext ctx, int status, JsonNode body) {
    try {
      send(ctx, status, MAPPER.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void send(RoutingContext ctx, int status, byte[] json) {
    if (ctx.response().ended() || ctx.response().closed()) {
      // nobody left to answer (what went wrong is logged by the caller when it matters)
      return;
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", CONTENT_TYPE).putHeader("Cache-Control", "no-store")
        .end(Buffer.buffer(json));
  }

  static void error(RoutingContext ctx, int status, String... messages) {
    ObjectNode body = object();
    ArrayNode errors = body.putArray("errors");
    for (String m : messages) {
      errors.add(m);
    }
    send(ctx, status, body);
  }

  static void errors(RoutingContext ctx, int status, List<String> messages) {
    error(ctx, status, messages.toArray(String[]::new));
  }
}
