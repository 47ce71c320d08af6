package io.sightline.support;

import io.vertx.pgclient.PgConnectOptions;

/** A fresh database for one test: its connection options and its {@code postgresql://} URL. */
public record TestDatabase(PgConnectOptions options, String url) {
}
