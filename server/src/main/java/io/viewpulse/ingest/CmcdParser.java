package io.viewpulse.ingest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The grammar of a CMCD payload: one dictionary of HTTP Structured Field Values (RFC 8941), as CTA-5004 (CMCD v1)
 * and CTA-5004-B (v2) define it for the {@code CMCD} query argument, the four {@code CMCD-*} headers and each line of
 * an event-mode report. Members are separated by commas; a key alone is the boolean true; values are integers (at most
 * 15 digits), decimals (at most 12 digits, a point and 1 to 3 digits), strings in double quotes (printable ASCII,
 * {@code \"} and {@code \\} escaped), tokens, byte sequences ({@code :base64:}), booleans ({@code ?0}, {@code ?1}) or
 * inner lists of those in parentheses; any item or list may carry parameters ({@code ;v}, {@code ;r="0-99"}). A key
 * given twice keeps its last value (RFC 8941, 4.2.2). This class checks the grammar only; what each key's value must
 * be is {@link CmcdReport}'s. A payload that breaks the grammar is refused whole, with a message naming where and the
 * key.
 *
 * <p>Written here rather than taken from a library: no RFC 8941 parser for Java is published on Maven Central, and the
 * refusals must name the CMCD key and line.
 */
final class CmcdParser {
  /** A token (unquoted), as distinct from a string. */
  record Token(String text) {
    @Override
    public String toString() {
      return text;
    }
  }

  /** A byte sequence, kept in its base64 form. */
  record Bytes(String base64) {}

  /**
   * An item: its bare value (a {@link Long}, a {@link Double} for a decimal, a {@link String}, a {@link Token}, a
   * {@link Bytes} or a {@link Boolean}) and its parameters (empty when none).
   */
  record Item(Object value, Map<String, Object> params) {}

  /** An inner list of items, with the list's own parameters. */
  record InnerList(List<Item> items, Map<String, Object> params) {}

  private final String s;
  private final String where;
  private int i;

  private CmcdParser(String s, String where) {
    this.s = s;
    this.where = where;
  }

  /**
   * Parses one dictionary.
   *
   * @param where names the payload in messages: "line 3", "the CMCD query argument", "the CMCD-Request header"
   * @return each key's {@link Item} or {@link InnerList}, in the order given
   */
  static Map<String, Object> dictionary(String payload, String where) {
    return new CmcdParser(payload, where).dictionary();
  }

  private Map<String, Object> dictionary() {
    Map<String, Object> out = new LinkedHashMap<>();
    while (i < s.length() && s.charAt(i) == ' ') {
      i++;
    }
    if (i >= s.length()) {
      return out;
    }
    while (true) {
      String key = key(null);
      Object member;
      if (i < s.length() && s.charAt(i) == '=') {
        i++;
        member = i < s.length() && s.charAt(i) == '(' ? innerList(key) : item(key);
      } else {
        member = new Item(Boolean.TRUE, params(key));
      }
      out.put(key, member);
      skipOws();
      if (i >= s.length()) {
        return out;
      }
      if (s.charAt(i) != ',') {
        throw fail(key, "its value ends at " + quote(s.charAt(i)) + " where a comma or the end was expected");
      }
      i++;
      skipOws();
      if (i >= s.length()) {
        throw fail(null, "a comma ends the payload (a trailing comma)");
      }
    }
  }

  private void skipOws() {
    while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
      i++;
    }
  }

  /** A key: a lower-case letter or {@code *}, then lower-case letters, digits, {@code _ - . *}. */
  private String key(String of) {
    int start = i;
    if (i >= s.length()) {
      throw fail(of, "a key was expected at the end");
    }
    char c = s.charAt(i);
    if (!(c >= 'a' && c <= 'z') && c != '*') {
      int end = i;
      while (end < s.length() && end - i < 32 && s.charAt(end) != '=' && s.charAt(end) != ','
          && s.charAt(end) != ';') {
        end++;
      }
      String got = s.substring(i, end);
      throw fail(of, (c >= 'A' && c <= 'Z' ? "keys are lower case: " : "a key starts with a lower-case letter: ")
          + printable(got));
    }
    i++;
    while (i < s.length()) {
      c = s.charAt(i);
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' || c == '*') {
        i++;
      } else if (c >= 'A' && c <= 'Z') {
        throw fail(of, "keys are lower case: " + printable(s.substring(start, Math.min(s.length(), i + 8))));
      } else {
        break;
      }
    }
    return s.substring(start, i);
  }

  private Item item(String key) {
    Object bare = bareItem(key);
    return new Item(bare, params(key));
  }

  private Map<String, Object> params(String key) {
    Map<String, Object> params = null;
    while (i < s.length() && s.charAt(i) == ';') {
      i++;
      while (i < s.length() && s.charAt(i) == ' ') {
        i++;
      }
      String name = key(key);
      Object value = Boolean.TRUE;
      if (i < s.length() && s.charAt(i) == '=') {
        i++;
        value = bareItem(key);
      }
      if (params == null) {
        params = new LinkedHashMap<>(2);
      }
      params.put(name, value);
    }
    return params == null ? Map.of() : params;
  }

  private InnerList innerList(String key) {
    i++;
    List<Item> items = new ArrayList<>(2);
    while (true) {
      while (i < s.length() && s.charAt(i) == ' ') {
        i++;
      }
      if (i >= s.length()) {
        throw fail(key, "its inner list has no closing parenthesis");
      }
      if (s.charAt(i) == ')') {
        i++;
        return new InnerList(items, params(key));
      }
      items.add(item(key));
      if (i < s.length() && s.charAt(i) != ' ' && s.charAt(i) != ')') {
        throw fail(key, "the items of its inner list are separated by spaces, not " + quote(s.charAt(i)));
      }
    }
  }

  private Object bareItem(String key) {
    if (i >= s.length()) {
      throw fail(key, "it has no value after the =");
    }
    char c = s.charAt(i);
    if (c == '-' || (c >= '0' && c <= '9')) {
      return number(key);
    }
    if (c == '"') {
      return string(key);
    }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '*') {
      return token();
    }
    if (c == ':') {
      return bytes(key);
    }
    if (c == '?') {
      if (i + 1 < s.length() && (s.charAt(i + 1) == '0' || s.charAt(i + 1) == '1')) {
        i += 2;
        return s.charAt(i - 1) == '1';
      }
      throw fail(key, "a boolean is ?0 or ?1");
    }
    throw fail(key, "a value cannot start with " + quote(c)
        + " (strings are in double quotes, tokens start with a letter)");
  }

  private Object number(String key) {
    int start = i;
    boolean negative = s.charAt(i) == '-';
    if (negative) {
      i++;
    }
    int digits = 0;
    int point = -1;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        digits++;
        i++;
      } else if (c == '.' && point < 0) {
        if (digits > 12) {
          throw fail(key, "a decimal has at most 12 digits before its point");
        }
        point = digits;
        i++;
      } else {
        break;
      }
    }
    if (digits == 0 || (point < 0 && digits > 15)) {
      throw fail(key, digits == 0 ? "a number has digits" : "an integer has at most 15 digits");
    }
    String text = s.substring(start, i);
    if (point < 0) {
      return Long.parseLong(text);
    }
    int fraction = digits - point;
    if (fraction < 1 || fraction > 3) {
      throw fail(key, "a decimal has 1 to 3 digits after its point: " + text);
    }
    return Double.parseDouble(text);
  }

  private String string(String key) {
    i++;
    StringBuilder out = null;
    int start = i;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '"') {
        String v = out == null ? s.substring(start, i) : out.append(s, start, i).toString();
        i++;
        return v;
      }
      if (c == '\\') {
        if (i + 1 >= s.length() || (s.charAt(i + 1) != '"' && s.charAt(i + 1) != '\\')) {
          throw fail(key, "in a string, a backslash escapes only \" or \\");
        }
        if (out == null) {
          out = new StringBuilder();
        }
        out.append(s, start, i).append(s.charAt(i + 1));
        i += 2;
        start = i;
        continue;
      }
      if (c < 0x20 || c > 0x7e) {
        throw fail(key, "a string holds printable ASCII only (percent-encode the rest), not "
            + String.format("U+%04X", (int) c));
      }
      i++;
    }
    throw fail(key, "its string has no closing double quote");
  }

  private Token token() {
    int start = i;
    i++;
    while (i < s.length()) {
      char c = s.charAt(i);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' || c == '/'
          || "!#$%&'*+-.^_`|~".indexOf(c) >= 0) {
        i++;
      } else {
        break;
      }
    }
    return new Token(s.substring(start, i));
  }

  private Bytes bytes(String key) {
    int start = ++i;
    while (i < s.length() && s.charAt(i) != ':') {
      char c = s.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '/'
          || c == '=')) {
        throw fail(key, "a byte sequence holds base64 between colons");
      }
      i++;
    }
    if (i >= s.length()) {
      throw fail(key, "its byte sequence has no closing colon");
    }
    return new Bytes(s.substring(start, i++));
  }

  private Rejection fail(String key, String message) {
    return new Rejection(Reason.INVALID_FIELD, where + (key == null ? "" : ": \"" + key + "\"") + ": " + message);
  }

  private static String quote(char c) {
    return c >= 0x21 && c <= 0x7e ? "'" + c + "'" : String.format("U+%04X", (int) c);
  }

  /** Text from the payload, safe to put in a message (the answer is JSON; the logs may show it). */
  static String printable(String s) {
    StringBuilder b = new StringBuilder(Math.min(s.length(), 40) + 2).append('"');
    for (int k = 0; k < s.length() && k < 40; k++) {
      char c = s.charAt(k);
      b.append(c >= 0x20 && c <= 0x7e ? c : '?');
    }
    return b.append(s.length() > 40 ? "...\"" : "\"").toString();
  }
}
