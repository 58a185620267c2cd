package io.viewpulse.client;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The parameters of {@link Viewpulse#listViews} and {@link Viewpulse#exportViews}; build with {@link #builder()}.
 * Every field is optional for a list; an export needs {@code from} and {@code to}.
 *
 * @param filters conditions as the API writes them: {@code country:US}, {@code !browser:Chrome}
 * @param limit views a page holds (1 to 1000; null: the server's 50)
 * @param cursor where a page begins: the {@code next} of the previous page
 */
public record ViewListQuery(String playbackId, String assetId, String streamId, String creatorId, String viewerId,
    Instant from, Instant to, List<String> filters, Integer limit, String cursor) {

  public ViewListQuery {
    filters = filters == null ? List.of() : List.copyOf(filters);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The same query for the page after {@code page} (the cursor of its {@code next}). */
  public ViewListQuery after(ViewPage page) {
    return new ViewListQuery(playbackId, assetId, streamId, creatorId, viewerId, from, to, filters, limit,
        page.next());
  }

  /** Builds a {@link ViewListQuery}. */
  public static final class Builder extends QueryBuilder<Builder> {
    private String viewerId;
    private Instant from;
    private Instant to;
    private final List<String> filters = new ArrayList<>();
    private Integer limit;
    private String cursor;

    @Override
    Builder self() {
      return this;
    }

    @Override
    void add(Filter filter) {
      filters.add(filter.toString());
    }

    public Builder viewerId(String v) {
      viewerId = v;
      return this;
    }

    public Builder from(Instant v) {
      from = v;
      return this;
    }

    public Builder to(Instant v) {
      to = v;
      return this;
    }

    /**
     * Adds filters such as {@code country:US} or {@code !browser:Chrome} (as {@link Filter} writes them; several
     * values of one dimension are alternatives).
     */
    public Builder filters(String... v) {
      filters.addAll(List.of(v));
      return this;
    }

    public Builder limit(int v) {
      limit = v;
      return this;
    }

    public Builder cursor(String v) {
      cursor = v;
      return this;
    }

    public ViewListQuery build() {
      return new ViewListQuery(playbackId, assetId, streamId, creatorId, viewerId, from, to, filters, limit, cursor);
    }
  }
}
