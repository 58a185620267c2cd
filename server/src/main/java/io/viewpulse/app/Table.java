package io.viewpulse.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Rows of named columns, printed as an aligned table for people, or as CSV or JSON for scripts. A cell is a string, a
 * number or null (printed empty in tables and CSV, omitted in JSON).
 */
final class Table {
  /** How a table is printed. */
  enum Format {
    TABLE,
    CSV,
    JSON
  }

  private final List<String> columns;
  private final List<List<Object>> rows = new ArrayList<>();

  Table(List<String> columns) {
    this.columns = List.copyOf(columns);
  }

  void add(List<Object> row) {
    if (row.size() != columns.size()) {
      throw new IllegalArgumentException("a row has " + row.size() + " cells for " + columns.size() + " columns");
    }
    rows.add(new ArrayList<>(row));
  }

  void print(PrintWriter out, Format f) {
    switch (f) {
      case TABLE -> table(out);
      case CSV -> csv(out);
      case JSON -> json(out);
    }
    out.flush();
  }

  private void table(PrintWriter out) {
    int[] width = new int[columns.size()];
    List<List<String>> text = new ArrayList<>();
    for (List<Object> r : rows) {
      List<String> t = new ArrayList<>();
      for (Object c : r) {
        t.add(human(c));
      }
      text.add(t);
    }
    for (int i = 0; i < columns.size(); i++) {
      width[i] = columns.get(i).length();
      for (List<String> t : text) {
        width[i] = Math.max(width[i], t.get(i).length());
      }
    }
    out.println(line(columns, width, null));
    for (int r = 0; r < text.size(); r++) {
      out.println(line(text.get(r), width, rows.get(r)));
    }
    if (rows.isEmpty()) {
      out.println("(no rows)");
    }
  }

  /** Numbers align right, text left; trailing spaces trimmed. */
  private static String line(List<String> cells, int[] width, List<Object> raw) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String c = cells.get(i);
      boolean number = raw != null && raw.get(i) instanceof Number;
      String pad = " ".repeat(width[i] - c.length());
      b.append(number ? pad + c : c + pad);
      if (i + 1 < cells.size()) {
        b.append("  ");
      }
    }
    return b.toString().stripTrailing();
  }

  private void csv(PrintWriter out) {
    out.println(String.join(",", columns.stream().map(Table::quote).toList()));
    for (List<Object> r : rows) {
      out.println(String.join(",", r.stream().map(c -> c == null ? "" : quote(plain(c))).toList()));
    }
  }

  private void json(PrintWriter out) {
    ObjectMapper m = new ObjectMapper();
    ArrayNode a = m.createArrayNode();
    for (List<Object> r : rows) {
      ObjectNode o = a.addObject();
      for (int i = 0; i < columns.size(); i++) {
        Object c = r.get(i);
        if (c instanceof Long l) {
          o.put(columns.get(i), l);
        } else if (c instanceof Integer n) {
          o.put(columns.get(i), n);
        } else if (c instanceof Double d) {
          o.put(columns.get(i), d);
        } else if (c != null) {
          o.put(columns.get(i), c.toString());
        }
      }
    }
    try {
      out.println(m.writerWithDefaultPrettyPrinter().writeValueAsString(a));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String human(Object c) {
    if (c == null) {
      return "";
    }
    if (c instanceof Double d) {
      return String.format(Locale.ROOT, "%.3f", d);
    }
    return c.toString();
  }

  private static String plain(Object c) {
    return c instanceof Double d ? Double.toString(d) : c.toString();
  }

  private static String quote(String s) {
    return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }
}
