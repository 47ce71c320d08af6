package io.sightline.export;

import io.sightline.support.PgTestBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Parquet export written into a file through its sink, read back with parquet-java (no Hadoop on the class path), and every
 * column of every row compared with the stored events; small row groups show the file is streamed a row group at a time.
 */
@Tag("integration")
class ParquetExportTest extends PgTestBase {
  private static final int EVENTS = 4_321;

  @Test
  void everyColumnOfEveryEventComesBackAndRowGroupsAreWrittenAsTheyFill() throws Exception {
    await(new io.sightline.db.MigrationRunner(pool, io.sightline.db.MigrationRunner.bundled()).migrate());
    sql("select sightline_ensure_partitions(date '2026-03-01', date '2026-03-05')");
    // varied values: 63-bit ids, nulls, JSON properties, tag arrays, exact revenue, booleans
    sql("""
        insert into events (site_id, ts, event_id, session_id, visitor_id, salt_day, type, name, hostname, pathname, referrer, source,
                            utm_campaign, city, screen_width, props, tags, revenue_amount, revenue_currency, interactive)
        select 7, timestamptz '2026-03-02 00:00:00+00' + n * interval '7 seconds 123457 microseconds', 9000000000000000000 - n * 7919,
               n / 5, 4611686018427387904 + n % 97, date '2026-03-02', case when n % 9 = 0 then 'custom' else 'pageview' end,
               case when n % 9 = 0 then 'Signup' else 'pageview' end, 'p.example', '/page/' || (n % 37),
               case when n % 4 = 0 then null else 'https://ref.example/' || n end, case when n % 3 = 0 then 'Google' end,
               case when n % 11 = 0 then 'spring, "quoted"' end, case when n % 5 = 0 then 'Zürich' end,
               case when n % 6 = 0 then null else 320 + n % 1600 end,
               case when n % 9 = 0 then jsonb_build_object('plan', 'pro', 'seats', n % 13, 'nested', jsonb_build_array(1, 'x')) end,
               case when n % 10 = 0 then array['a', 'b,' || n] end, case when n % 9 = 0 then (n * 1.000001)::numeric(18, 6) end,
               case when n % 9 = 0 then 'EUR' end, n % 2 = 0
        from generate_series(1, EVENTS) n""".replace("EVENTS", Integer.toString(EVENTS)));
    ExportRange range = new ExportRange(LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-03"),
        Instant.parse("2026-03-01T00:00:00Z"), Instant.parse("2026-03-04T00:00:00Z"), ZoneId.of("UTC"));
    Path file = Files.createTempFile("events", ".parquet");
    try {
      List<Integer> chunks = new ArrayList<>();
      long written = await(ParquetExport.run(vertx, pool, 7, range, (Buffer bytes) -> {
        chunks.add(bytes.length());
        return vertx.executeBlocking(() -> Files.write(file, bytes.getBytes(), java.nio.file.StandardOpenOption.APPEND)).mapEmpty();
      }, 64 << 10));
      assertEquals(EVENTS, written);
      assertTrue(chunks.size() > 2, "bytes go out as row groups fill, not once at the end: " + chunks);

      List<Row> stored = new ArrayList<>();
      await(pool.preparedQuery(EventExport.EVENTS).execute(Tuple.of(7, OffsetDateTime.parse("2026-03-01T00:00:00Z"),
          OffsetDateTime.parse("2026-03-04T00:00:00Z")))).forEach(stored::add);
      assertEquals(EVENTS, stored.size());
      List<String> names = columnNames(stored.get(0));

      try (ParquetFileReader meta = ParquetFileReader.open(new LocalInputFile(file),
          org.apache.parquet.ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
        assertTrue(meta.getRowGroups().size() > 1, "several row groups: " + meta.getRowGroups().size());
        MessageType schema = meta.getFooter().getFileMetaData().getSchema();
        assertEquals(names, schema.getFields().stream().map(Type::getName).toList(), "every stored column, in order");
      }
      try (ParquetReader<Group> reader = new GroupReader(new LocalInputFile(file)).build()) {
        int compared = 0;
        for (Row row : stored) {
          Group g = reader.read();
          assertNotNull(g, "row " + compared);
          for (int i = 0; i < names.size(); i++) {
            assertEquals(expected(row.getValue(i)), actual(g, i), names.get(i) + " of row " + compared);
          }
          compared++;
        }
        assertEquals(null, reader.read(), "no more rows than events");
        assertEquals(EVENTS, compared);
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** parquet-java's reader of example Groups, on its Hadoop-free configuration. */
  private static final class GroupReader extends ParquetReader.Builder<Group> {
    GroupReader(org.apache.parquet.io.InputFile file) {
      super(file, new PlainParquetConfiguration());
    }

    @Override
    protected org.apache.parquet.hadoop.api.ReadSupport<Group> getReadSupport() {
      return new GroupReadSupport();
    }
  }

  private static List<String> columnNames(Row row) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < row.size(); i++) {
      names.add(row.getColumnName(i));
    }
    return names;
  }

  /** A stored value as the test compares it: numbers as longs or doubles, times as instants, JSON parsed, text as text. */
  private static Object expected(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof Long || v instanceof Integer || v instanceof Short) {
      return ((Number) v).longValue();
    }
    if (v instanceof OffsetDateTime t) {
      return t.toInstant();
    }
    if (v instanceof LocalDate d) {
      return d;
    }
    if (v instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (v instanceof Object[] array) {
      return new JsonArray(java.util.Arrays.asList(array));
    }
    if (v instanceof JsonObject || v instanceof JsonArray || v instanceof Boolean || v instanceof Double) {
      return v;
    }
    return v.toString();
  }

  /** A Parquet field read by its declared type. */
  private static Object actual(Group g, int i) {
    if (g.getFieldRepetitionCount(i) == 0) {
      return null;
    }
    PrimitiveType type = g.getType().getType(i).asPrimitiveType();
    LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
    return switch (type.getPrimitiveTypeName()) {
      case INT64 -> logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation
          ? Instant.EPOCH.plus(java.time.Duration.ofSeconds(Math.floorDiv(g.getLong(i, 0), 1_000_000L),
          Math.floorMod(g.getLong(i, 0), 1_000_000L) * 1_000L)) : (Object) g.getLong(i, 0);
      case INT32 -> logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation ? LocalDate.ofEpochDay(g.getInteger(i, 0))
          : (Object) (long) g.getInteger(i, 0);
      case BOOLEAN -> g.getBoolean(i, 0);
      case DOUBLE -> g.getDouble(i, 0);
      case BINARY -> {
        String s = g.getString(i, 0);
        if (logical instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation) {
          yield s.startsWith("[") ? new JsonArray(s) : new JsonObject(s);
        }
        yield s;
      }
      default -> throw new AssertionError("unexpected type " + type);
    };
  }
}
