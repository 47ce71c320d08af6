package io.sightline.db;

import io.sightline.support.PgTestBase;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("integration")
class MigrationRunnerTest extends PgTestBase {

  @Test
  void appliesEveryBundledMigrationInOrderOnAnEmptyDatabase() {
    List<Migration> bundled = MigrationRunner.bundled();
    int applied = await(new MigrationRunner(pool, bundled).migrate());
    assertEquals(bundled.size(), applied);

    List<Integer> versions = new ArrayList<>();
    for (Row row : sql("select version, checksum from schema_migrations order by version")) {
      versions.add(row.getInteger("version"));
      assertEquals(bundled.get(versions.size() - 1).checksum(), row.getString("checksum"));
    }
    assertEquals(bundled.stream().map(Migration::version).toList(), versions);
    for (String table : List.of("sites", "api_keys", "visitor_salts", "events", "sessions", "goals")) {
      assertNotNull(sql("select to_regclass('" + table + "') as t").iterator().next().getValue("t"), table);
    }
  }

  @Test
  void appliesNothingOnAnAlreadyMigratedDatabase() {
    await(new MigrationRunner(pool, MigrationRunner.bundled()).migrate());
    sql("insert into sites (domain, name) values ('kept.example', 'kept')");
    assertEquals(0, await(new MigrationRunner(pool, MigrationRunner.bundled()).migrate()));
    assertEquals(1L, sql("select count(*) as n from sites").iterator().next().getLong("n"), "data survives a re-run");
  }

  @Test
  void appliesOnlyTheNewMigrationsOfALaterBuild() {
    List<Migration> bundled = MigrationRunner.bundled();
    await(new MigrationRunner(pool, bundled.subList(0, 1)).migrate());
    assertEquals(bundled.size() - 1, await(new MigrationRunner(pool, bundled).migrate()));
  }

  @Test
  void concurrentStartsApplyEachMigrationOnce() {
    List<Migration> bundled = MigrationRunner.bundled();
    Future<Integer> a = new MigrationRunner(pool, bundled).migrate();
    Future<Integer> b = new MigrationRunner(pool, bundled).migrate();
    assertEquals(bundled.size(), await(a) + await(b));
    assertEquals((long) bundled.size(), sql("select count(*) as n from schema_migrations").iterator().next().getLong("n"));
  }

  @Test
  void refusesAScriptChangedAfterItWasApplied() {
    List<Migration> bundled = MigrationRunner.bundled();
    await(new MigrationRunner(pool, bundled).migrate());
    List<Migration> edited = new ArrayList<>(bundled);
    Migration first = bundled.get(0);
    edited.set(0, Migration.of("V" + first.version() + "__sites_and_api_keys.sql", first.sql() + "\n-- edited"));
    MigrationException e = assertThrows(MigrationException.class, () -> await(new MigrationRunner(pool, edited).migrate()));
    assertTrue(e.getMessage().contains("was changed after it was applied"), e.getMessage());
  }

  @Test
  void refusesADatabaseNewerThanTheBuild() {
    List<Migration> bundled = MigrationRunner.bundled();
    await(new MigrationRunner(pool, bundled).migrate());
    MigrationException e = assertThrows(MigrationException.class,
        () -> await(new MigrationRunner(pool, bundled.subList(0, 1)).migrate()));
    assertTrue(e.getMessage().contains("newer than this Sightline build"), e.getMessage());
  }

  @Test
  void aFailingMigrationLeavesNoTraceAndSaysWhichOneFailed() {
    List<Migration> withBroken = new ArrayList<>(MigrationRunner.bundled());
    withBroken.add(Migration.of("V999__broken.sql", "create table half_done (id int); select * from no_such_table;"));
    MigrationException e = assertThrows(MigrationException.class, () -> await(new MigrationRunner(pool, withBroken).migrate()));
    assertTrue(e.getMessage().contains("V999"), e.getMessage());
    assertEquals(null, sql("select to_regclass('half_done') as t").iterator().next().getValue("t"), "rolled back");
    assertEquals(0L, sql("select count(*) as n from schema_migrations where version = 999").iterator().next().getLong("n"));
  }

  @Test
  void theIndexListsEveryMigrationFileInVersionOrder() throws Exception {
    List<String> files;
    try (Stream<Path> s = Files.list(Path.of("src/main/resources/db/migration"))) {
      files = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sql")).sorted().toList();
    }
    List<Migration> bundled = MigrationRunner.bundled();
    assertEquals(files.size(), bundled.size(), "every .sql file must be listed in index.txt");
    for (int i = 0; i < bundled.size(); i++) {
      assertEquals(i + 1, bundled.get(i).version(), "versions are 1, 2, 3, ... without gaps");
    }
  }
}
