package io.sightline.export;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Cursor;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Streams a site's raw events of a range as one Parquet file (every stored column, in time order), in constant memory: a
 * PostgreSQL cursor reads a page of rows, a worker thread adds them to parquet-java's writer, which holds at most one row group
 * ({@link #ROW_GROUP_BYTES}) before writing it out, and the bytes written so far go to the sink; the next page is read once the
 * sink has taken them. The schema comes from the {@code events} table's column types: integers as INT32/INT64, booleans,
 * floating point as DOUBLE/FLOAT, times as microsecond TIMESTAMPs (UTC-adjusted for {@code timestamptz}), dates as DATE,
 * {@code jsonb} as JSON text, arrays as JSON text, {@code numeric} as its exact decimal text, everything else as text; every
 * column optional (null where the row has none). Pages are uncompressed: parquet-java compresses through Hadoop's codecs and
 * configuration, which this export keeps off; the HTTP response is gzip-compressed when the client accepts it.
 */
public final class ParquetExport {
  /** Bytes a row group holds before it is written: the memory one export needs, whatever its range. */
  static final long ROW_GROUP_BYTES = 8L << 20;
  private static final int PAGE = 2_000;
  private static final String COLUMNS = "select column_name, data_type from information_schema.columns "
      + "where table_schema = current_schema() and table_name = 'events' order by ordinal_position";

  private enum Kind { INT64, INT32, BOOLEAN, DOUBLE, FLOAT, TIMESTAMP_UTC, TIMESTAMP_LOCAL, DATE, JSON, TEXT }

  private record Column(String name, Kind kind) {
  }

  private ParquetExport() {
  }

  /** Writes the events; {@code sink} returns a future completed when it can take more bytes. Returns the number of events. */
  public static Future<Long> run(Vertx vertx, Pool pool, int siteId, ExportRange range, Function<Buffer, Future<Void>> sink) {
    return run(vertx, pool, siteId, range, sink, ROW_GROUP_BYTES);
  }

  /** @param rowGroupBytes the bytes a row group holds before it is written */
  static Future<Long> run(Vertx vertx, Pool pool, int siteId, ExportRange range, Function<Buffer, Future<Void>> sink, long rowGroupBytes) {
    return pool.withTransaction(conn -> conn.query(COLUMNS).execute().compose(rows -> {
      List<Column> columns = new ArrayList<>();
      rows.forEach(r -> columns.add(new Column(r.getString("column_name"), kind(r.getString("data_type")))));
      return run(vertx, conn, siteId, range, columns, sink, rowGroupBytes);
    }));
  }

  private static Future<Long> run(Vertx vertx, SqlConnection conn, int siteId, ExportRange range, List<Column> columns,
                                  Function<Buffer, Future<Void>> sink, long rowGroupBytes) {
    Tuple args = Tuple.of(siteId, range.start().atOffset(ZoneOffset.UTC), range.end().atOffset(ZoneOffset.UTC));
    MessageType schema = schema(columns);
    return vertx.executeBlocking(() -> new Writer(schema, rowGroupBytes), false).compose(writer -> conn.prepare(EventExport.EVENTS).compose(ps -> {
      Cursor cursor = ps.cursor(args);
      Promise<Long> done = Promise.promise();
      page(vertx, cursor, writer, columns, sink, 0, done);
      return done.future().eventually(cursor::close);
    }).onFailure(err -> vertx.executeBlocking(() -> {
      writer.abort();
      return null;
    }, true)));
  }

  private static void page(Vertx vertx, Cursor cursor, Writer writer, List<Column> columns, Function<Buffer, Future<Void>> sink, long count,
                           Promise<Long> done) {
    cursor.read(PAGE).onFailure(done::fail).onSuccess(rows -> {
      List<Row> page = new ArrayList<>(rows.size());
      rows.forEach(page::add);
      boolean last = !cursor.hasMore();
      vertx.executeBlocking(() -> writer.write(page, columns, last), true)
          .compose(bytes -> bytes.length() == 0 ? Future.succeededFuture() : sink.apply(bytes))
          .onFailure(done::fail)
          .onSuccess(v -> {
            long written = count + page.size();
            if (last) {
              done.complete(written);
            } else {
              page(vertx, cursor, writer, columns, sink, written, done);
            }
          });
    });
  }

  private static Kind kind(String dataType) {
    return switch (dataType) {
      case "bigint" -> Kind.INT64;
      case "integer", "smallint" -> Kind.INT32;
      case "boolean" -> Kind.BOOLEAN;
      case "double precision" -> Kind.DOUBLE;
      case "real" -> Kind.FLOAT;
      case "timestamp with time zone" -> Kind.TIMESTAMP_UTC;
      case "timestamp without time zone" -> Kind.TIMESTAMP_LOCAL;
      case "date" -> Kind.DATE;
      case "json", "jsonb", "ARRAY" -> Kind.JSON;
      default -> Kind.TEXT;
    };
  }

  static MessageType schema(List<Column> columns) {
    Types.MessageTypeBuilder message = Types.buildMessage();
    for (Column c : columns) {
      switch (c.kind()) {
        case INT64 -> message.optional(PrimitiveTypeName.INT64).named(c.name());
        case INT32 -> message.optional(PrimitiveTypeName.INT32).named(c.name());
        case BOOLEAN -> message.optional(PrimitiveTypeName.BOOLEAN).named(c.name());
        case DOUBLE -> message.optional(PrimitiveTypeName.DOUBLE).named(c.name());
        case FLOAT -> message.optional(PrimitiveTypeName.FLOAT).named(c.name());
        case TIMESTAMP_UTC -> message.optional(PrimitiveTypeName.INT64)
            .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS)).named(c.name());
        case TIMESTAMP_LOCAL -> message.optional(PrimitiveTypeName.INT64)
            .as(LogicalTypeAnnotation.timestampType(false, LogicalTypeAnnotation.TimeUnit.MICROS)).named(c.name());
        case DATE -> message.optional(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.dateType()).named(c.name());
        case JSON -> message.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.jsonType()).named(c.name());
        case TEXT -> message.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(c.name());
      }
    }
    return message.named("events");
  }

  /** parquet-java's writer over an in-memory output that is emptied after each page: one worker-thread task at a time. */
  private static final class Writer {
    private final Output out = new Output();
    private final SimpleGroupFactory groups;
    private final ParquetWriter<Group> parquet;

    Writer(MessageType schema, long rowGroupBytes) throws IOException {
      this.groups = new SimpleGroupFactory(schema);
      this.parquet = ExampleParquetWriter.builder(out).withConf(new PlainParquetConfiguration()).withType(schema)
          .withCompressionCodec(CompressionCodecName.UNCOMPRESSED).withRowGroupSize(rowGroupBytes).build();
    }

    /** Adds the rows (and, for the last page, the file's end); returns the bytes written since the last call. */
    Buffer write(List<Row> rows, List<Column> columns, boolean last) throws IOException {
      for (Row row : rows) {
        Group g = groups.newGroup();
        for (int i = 0; i < columns.size(); i++) {
          Object v = row.getValue(i);
          if (v != null) {
            add(g, i, columns.get(i).kind(), v);
          }
        }
        parquet.write(g);
      }
      if (last) {
        parquet.close();
      }
      return out.drain();
    }

    void abort() {
      try {
        parquet.close();
      } catch (IOException | RuntimeException e) {
        // the export failed already; what it wrote is dropped
      }
    }

    private static void add(Group g, int i, Kind kind, Object v) {
      switch (kind) {
        case INT64 -> g.add(i, ((Number) v).longValue());
        case INT32 -> g.add(i, ((Number) v).intValue());
        case BOOLEAN -> g.add(i, (Boolean) v);
        case DOUBLE -> g.add(i, ((Number) v).doubleValue());
        case FLOAT -> g.add(i, ((Number) v).floatValue());
        case TIMESTAMP_UTC -> g.add(i, micros(((OffsetDateTime) v).toInstant()));
        case TIMESTAMP_LOCAL -> g.add(i, micros(((LocalDateTime) v).toInstant(ZoneOffset.UTC)));
        case DATE -> g.add(i, (int) ((LocalDate) v).toEpochDay());
        case JSON -> g.add(i, v instanceof Object[] array ? new JsonArray(java.util.Arrays.asList(array)).encode() : Json.encode(v));
        case TEXT -> g.add(i, v instanceof BigDecimal d ? d.toPlainString() : v.toString());
      }
    }

    private static long micros(java.time.Instant t) {
      return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
    }
  }

  /** An {@link OutputFile} whose bytes collect in memory until {@link #drain}ed. */
  private static final class Output implements OutputFile {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
    private long position;

    Buffer drain() {
      Buffer b = Buffer.buffer(bytes.toByteArray());
      bytes.reset();
      return b;
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) {
      return stream();
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) {
      return stream();
    }

    @Override
    public boolean supportsBlockSize() {
      return false;
    }

    @Override
    public long defaultBlockSize() {
      return 0;
    }

    private PositionOutputStream stream() {
      return new PositionOutputStream() {
        @Override
        public long getPos() {
          return position;
        }

        @Override
        public void write(int b) {
          bytes.write(b);
          position++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
          bytes.write(b, off, len);
          position += len;
        }
      };
    }
  }
}
