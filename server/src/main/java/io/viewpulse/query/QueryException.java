package io.viewpulse.query;

/** A query that cannot be answered as asked: 400 (bad parameters), 403 (not yours) or 404 (no such thing). */
public final class QueryException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;

  public QueryException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
