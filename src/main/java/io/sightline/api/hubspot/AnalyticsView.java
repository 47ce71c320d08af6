package io.sightline.api.hubspot;

import io.sightline.query.Filter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * An analytics view: a saved set of filters of a site, applied to a report with {@code filterId}.
 * {@code filters} is the stored JSON ({@code [{"prop","op","args"}]}, see {@link ViewFilters}).
 */
public record AnalyticsView(int id, int siteId, String title, JsonArray filters, OffsetDateTime createdAt, OffsetDateTime updatedAt) {

  /** The engine filters of this view. */
  public List<Filter> engineFilters() {
    return ViewFilters.toEngine(filters);
  }

  /** HubSpot's view shape (api-specs.md §2.5 E). Sightline has no user ids: creatorId and updaterId are omitted. */
  public JsonObject toHubSpotJson() {
    return new JsonObject().put("id", id).put("title", title)
        .put("updatedDate", updatedAt.withOffsetSameInstant(ZoneOffset.UTC).toLocalDate().toString())
        .put("createdAt", createdAt.toInstant().toEpochMilli()).put("deletedAt", 0)
        .put("containsLegacyReportProperties", false).put("reportPropertyFilters", filters.copy());
  }

  /** The admin API's shape. */
  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("title", title).put("filters", filters.copy())
        .put("created_at", createdAt.toInstant().toString()).put("updated_at", updatedAt.toInstant().toString());
  }
}
