package io.sightline.ingest.enrich;

import java.util.Map;

/**
 * A page URL taken apart: where it is (hostname, pathname), the query that is kept, the UTM
 * values read out of it, the name of the first click-id parameter seen (for channel rules),
 * and a {@code ref}/{@code source} parameter if present.
 */
public record CleanUrl(String hostname, String pathname, String query, Map<String, String> utm, String clickIdParam, String refParam) {
}
