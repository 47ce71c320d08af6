package io.sightline.cli;

import io.sightline.admin.AdminRoutes;
import io.sightline.ads.AdRow;
import io.sightline.ads.AdService;
import io.sightline.http.ApiException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code sightline ads list|import}: ad-platform performance rows for the DATALYR {@code /ads} report. */
@Command(name = "ads", mixinStandardHelpOptions = true, description = "Import ad-platform performance (Meta, Google, TikTok) for a site.",
    subcommands = {AdsCommand.ListImports.class, AdsCommand.Import.class})
public final class AdsCommand extends CommandGroup {

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Show what a site has imported, per platform and level.")
  static final class ListImports extends SiteSubcommand {
    @Override
    public Integer call() {
      List<JsonObject> imports = onSite((pool, s) -> new AdService(pool).summary(s.id()));
      Table table = new Table("PLATFORM", "LEVEL", "ROWS", "FIRST DAY", "LAST DAY", "SPEND");
      imports.forEach(i -> table.row(i.getString("platform"), i.getString("level"), i.getLong("rows").toString(), i.getString("first_day"),
          i.getString("last_day"), i.getDouble("spend").toString()));
      table.print(out());
      return 0;
    }
  }

  @Command(name = "import", mixinStandardHelpOptions = true, description = "Import rows from a JSON file (re-importing a row replaces it).",
      footer = {"", "The file holds a JSON array (or {\"rows\": [...]}) of rows such as:",
          "  {\"platform\": \"meta\", \"level\": \"campaign\", \"campaign_id\": \"123\", \"campaign_name\": \"Spring Sale\",",
          "   \"status\": \"ACTIVE\", \"date\": \"2026-03-16\", \"spend\": 120.50, \"impressions\": 4500, \"clicks\": 180}",
          "platform: meta, google or tiktok; level: campaign (default), adset (needs adset_id) or ad (needs adset_id and ad_id)."})
  static final class Import extends SiteSubcommand {
    @Parameters(index = "1", paramLabel = "FILE", description = "JSON file of rows.")
    Path file;

    @Override
    public Integer call() {
      List<AdRow> rows;
      try {
        rows = AdminRoutes.adRows(Json.decodeValue(Files.readString(file)));
      } catch (IOException e) {
        throw ApiException.badRequest("cannot read " + file + ": " + e.getMessage());
      } catch (DecodeException e) {
        throw ApiException.badRequest(file + " is not valid JSON");
      }
      int n = onSite((pool, s) -> new AdService(pool).importRows(s.id(), rows));
      out().printf("Imported %d ad performance rows into site %s.%n", n, site);
      return 0;
    }
  }
}
