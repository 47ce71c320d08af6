package io.sightline.ingest.enrich;

/** A referrer host Sightline knows: its display name and category. */
public record KnownSource(String name, SourceCategory category) {
}
