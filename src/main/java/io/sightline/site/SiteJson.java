package io.sightline.site;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** A site as the admin API shows it. */
public final class SiteJson {
  private SiteJson() {
  }

  public static JsonObject of(Site site) {
    return new JsonObject()
        .put("id", site.id())
        .put("domain", site.domain())
        .put("name", site.name())
        .put("timezone", site.timezone())
        .put("extra_hostnames", new JsonArray(site.extraHostnames()))
        .put("created_at", site.createdAt().toInstant().toString());
  }
}
