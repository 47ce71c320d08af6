package io.sightline.cli;

import io.sightline.auth.ApiKeyInfo;
import io.sightline.auth.ApiKeyService;
import io.sightline.auth.CreatedKey;
import io.sightline.auth.Scope;
import io.sightline.http.ApiException;
import io.sightline.site.Site;
import io.sightline.site.SiteService;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;

/** {@code sightline keys create|list|revoke}. */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Manage API keys of a site.",
    subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
public final class KeysCommand extends CommandGroup {

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a key; it is printed once.")
  static final class Create implements Callable<Integer> {
    @ParentCommand
    KeysCommand parent;
    @Mixin
    GlobalOptions options = new GlobalOptions();
    @Option(names = "--site", required = true, description = "Site id or domain.")
    String site;
    @Option(names = "--name", required = true, description = "What the key is for.")
    String name;
    @Option(names = "--scopes", required = true, description = "Comma-separated: ingest, read, admin.")
    String scopes;
    @Option(names = "--rate-limit", paramLabel = "PER_MINUTE", description = "This key's request limit per minute (default: auth.defaultRateLimitPerMinute).")
    Integer rateLimit;

    @Override
    public Integer call() {
      var scopeSet = Scope.parseList(scopes);
      CreatedKey created = CliDatabase.run(options.load(parent.root),
          withSite(site, (pool, s) -> new ApiKeyService(pool).create(s.id(), name, scopeSet, rateLimit)));
      parent.root.out.printf("Created key %s (%s) for site %d with scopes %s.%n", created.info().prefix(), created.info().name(),
          created.info().siteId(), String.join(",", Scope.ids(created.info().scopes())));
      parent.root.out.printf("Its public UUID (for clients that name keys by UUID, such as Hum's token_ids[]): %s%n", created.info().uuid());
      parent.root.out.println("It is shown only now; store it safely:");
      parent.root.out.println(created.key());
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List a site's keys (never their secrets).")
  static final class ListKeys implements Callable<Integer> {
    @ParentCommand
    KeysCommand parent;
    @Mixin
    GlobalOptions options = new GlobalOptions();
    @Option(names = "--site", required = true, description = "Site id or domain.")
    String site;
    @Option(names = "--all", description = "Include revoked keys.")
    boolean all;

    @Override
    public Integer call() {
      List<ApiKeyInfo> keys = CliDatabase.run(options.load(parent.root),
          withSite(site, (pool, s) -> new ApiKeyService(pool).list(s.id(), all)));
      Table table = new Table("ID", "PREFIX", "UUID", "NAME", "SCOPES", "RATE/MIN", "CREATED", "LAST USED", "REVOKED");
      keys.forEach(k -> table.row(Integer.toString(k.id()), k.prefix(), k.uuid().toString(), k.name(), String.join(",", Scope.ids(k.scopes())),
          k.rateLimitPerMinute() == null ? "default" : k.rateLimitPerMinute().toString(), instant(k.createdAt()),
          instant(k.lastUsedAt()), instant(k.revokedAt())));
      table.print(parent.root.out);
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key; it stops working within seconds.")
  static final class Revoke implements Callable<Integer> {
    @ParentCommand
    KeysCommand parent;
    @Mixin
    GlobalOptions options = new GlobalOptions();
    @Option(names = "--site", required = true, description = "Site id or domain.")
    String site;
    @Parameters(index = "0", paramLabel = "KEY", description = "The key's prefix (sl_...), key id, numeric id or UUID.")
    String key;

    @Override
    public Integer call() {
      Optional<ApiKeyInfo> revoked = CliDatabase.run(options.load(parent.root),
          withSite(site, (pool, s) -> new ApiKeyService(pool).revoke(s.id(), key)));
      if (revoked.isEmpty()) {
        throw ApiException.notFound("no active key " + key + " on site " + site);
      }
      parent.root.out.printf("Revoked key %s (%s).%n", revoked.get().prefix(), revoked.get().name());
      return 0;
    }
  }

  interface SiteOperation<T> {
    Future<T> apply(Pool pool, Site site);
  }

  static <T> Function<Pool, Future<T>> withSite(String ref, SiteOperation<T> operation) {
    return pool -> new SiteService(pool).resolve(ref).compose(found -> found
        .map(s -> operation.apply(pool, s))
        .orElseGet(() -> Future.failedFuture(ApiException.notFound("no site " + ref))));
  }

  private static String instant(java.time.OffsetDateTime t) {
    return t == null ? "-" : t.toInstant().toString();
  }
}
