package io.viewpulse.store.duckdb;

import java.util.List;

/** A statement and its positional parameters. */
record SqlQuery(String sql, List<Object> params) {
  SqlQuery {
    params = List.copyOf(params);
  }
}
